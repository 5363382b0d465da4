package io.chainrule.autodiff;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each of the engine's fast paths, deterministically, at sizes beyond the kernels' blocks (the
 * weight-gradient staging block is 256 rows; the gemm kernel's blocks are 256 steps of the inner
 * dimension and 128 rows): staged weight-gradient products mixed with every other kind of
 * contribution over more than one block, gradients written into their destination, reused
 * buffers, and the accumulation of a gradient tensor the engine only borrowed. Every expected
 * value comes from {@link Tensor} arithmetic replaying the contributions in the order the engine
 * receives them (the reverse of creation), or from the same graph on a fresh thread.
 */
class EngineFastPathTest {

    /** One contribution to W's gradient, replayed in arrival order. */
    private interface Contribution {
        Tensor addTo(Tensor gradient);
    }

    /**
     * W [m, n] receives, term by term: staged products {@code cᵀ·x} of 40..120 rows (several
     * staging blocks in all), products of 300 rows (more than a block: not staged, and past the
     * kernel's first block of k), products with W as the left factor ({@code e·vᵀ}, never
     * staged), elementwise terms and a sum. Its gradient must be bitwise that of adding each
     * contribution as it arrives.
     */
    @Test
    void stagedWeightGradientsMixedWithEveryOtherContributionAreBitwiseTheirSumInArrivalOrder() {
        int m = 24;
        int n = 20;
        for (DType dt : DType.values()) {
            for (boolean earlier : new boolean[] {false, true}) {
                Var w = Var.param(Tensor.randn(1, 1.0, m, n).cast(dt), "W");
                Tensor before = Tensor.randn(2, 1.0, m, n).cast(dt);
                if (earlier) {
                    w.setGrad(before.copy());
                }
                List<Contribution> arrivals = new ArrayList<>();
                Var loss = Var.constant(0.0);
                for (int t = 0; t < 24; t++) {
                    long s = 100 + 10L * t;
                    int kind = t % 6;
                    Var term;
                    Contribution c;
                    if (kind == 0 || kind == 1 || kind == 4) { // staged: y = x Wᵀ, dW = cᵀ x
                        int rows = 40 + 20 * (t % 5);
                        Tensor x = Tensor.randn(s, 1.0, rows, n).cast(dt);
                        Tensor cy = Tensor.randn(s + 1, 1.0, rows, m).cast(dt);
                        term = Ops.matmul(Var.constant(x), false, w, true).mul(Var.constant(cy)).sum();
                        c = g -> g == null ? cy.matmul(true, x, false) : g.addMatMulInPlace(cy, true, x, false);
                    } else if (kind == 2) { // 300 rows: beyond the staging block, multiplied in at once
                        Tensor x = Tensor.randn(s, 1.0, 300, n).cast(dt);
                        Tensor cy = Tensor.randn(s + 1, 1.0, 300, m).cast(dt);
                        term = Ops.matmul(Var.constant(x), false, w, true).mul(Var.constant(cy)).sum();
                        c = g -> g == null ? cy.matmul(true, x, false) : g.addMatMulInPlace(cy, true, x, false);
                    } else if (kind == 3) { // W on the left: y = W v, dW = e vᵀ
                        Tensor v = Tensor.randn(s, 1.0, n, 7).cast(dt);
                        Tensor e = Tensor.randn(s + 1, 1.0, m, 7).cast(dt);
                        term = Ops.matmul(w, false, Var.constant(v), false).mul(Var.constant(e)).sum();
                        c = g -> g == null ? e.matmul(false, v, true) : g.addMatMulInPlace(e, false, v, true);
                    } else if (t % 12 == 5) { // elementwise
                        Tensor d = Tensor.randn(s, 1.0, m, n).cast(dt);
                        term = w.mul(Var.constant(d)).sum();
                        c = g -> g == null ? d.copy() : g.addInPlace(d);
                    } else { // a sum: every element gets 1
                        term = w.sum();
                        c = g -> g == null ? Tensor.ones(m, n).cast(dt) : g.addInPlace(Tensor.ones(m, n).cast(dt));
                    }
                    loss = loss.add(term);
                    arrivals.add(0, c);
                }
                loss.backward();
                Tensor want = earlier ? before.copy() : null;
                for (Contribution c : arrivals) {
                    want = c.addTo(want);
                }
                Tensor expected = want;
                assertTrue(w.grad().bitwiseEquals(expected), () -> dt + (earlier ? ", with an earlier gradient: " : ": ")
                        + "W's gradient differs from its contributions added in arrival order by up to "
                        + w.grad().maxAbsDiff(expected));
            }
        }
    }

    /** A recurrent layer h_t = tanh(x_t + h_{t-1} Wᵀ) over the parts of x [T, B, H]; the gradients of x and W. */
    private static Tensor[] recurrentGradients(boolean fused, int steps, int batch, int hidden, long seed) {
        Var x = Var.param(Tensor.randn(seed, 1.0, steps, batch, hidden), "x");
        Var w = Var.param(Tensor.randn(seed + 1, 0.05, hidden, hidden), "W");
        Var[] xs = Ops.unstack(x.mul(1.0), 0);
        Var h = Var.constant(Tensor.randn(seed + 2, 1.0, batch, hidden));
        Var loss = Var.constant(0.0);
        for (int t = 0; t < steps; t++) {
            h = fused ? Ops.addMatMul(xs[t], h, false, w, true, Activation.TANH)
                    : Ops.addMatMul(xs[t], h, false, w, true).tanh();
            loss = loss.add(h.mul(Var.constant(Tensor.randn(seed + 10 + t, 1.0, batch, hidden))).sum());
        }
        loss.backward();
        return new Tensor[] {x.grad(), w.grad()};
    }

    /**
     * addmm+tanh writes its c-gradient into the split's joined buffer (its destination); the
     * unfused addmm then tanh hands a buffer to copy. Bitwise the same at H = 260 (k past the
     * kernel's first block; a batch of 6 keeps each product on one thread).
     */
    @Test
    void gradientsWrittenIntoTheirDestinationAreBitwiseThoseOfTheUnfusedOpsBeyondOneBlock() {
        Tensor[] fused = recurrentGradients(true, 4, 6, 260, 7);
        Tensor[] unfused = recurrentGradients(false, 4, 6, 260, 7);
        assertTrue(fused[0].bitwiseEquals(unfused[0]), "x's gradient");
        assertTrue(fused[1].bitwiseEquals(unfused[1]), "W's gradient");
    }

    /**
     * Buffers kept from earlier passes on this thread (of other shapes and the same ones, with
     * other values) give bitwise the gradients the same graph gets on a fresh thread, which has
     * kept nothing.
     */
    @Test
    void reusedBuffersGiveBitwiseTheGradientsOfAThreadThatKeptNothing() throws InterruptedException {
        Supplier<Tensor[]> graph = () -> recurrentGradients(true, 3, 6, 260, 11);
        AtomicReference<Tensor[]> fresh = new AtomicReference<>();
        Thread thread = new Thread(() -> fresh.set(graph.get()));
        thread.start();
        thread.join();
        for (int pass = 0; pass < 2; pass++) {
            recurrentGradients(pass % 2 == 0, 4, 6, 260, 20 + pass); // leaves its buffers to reuse
            recurrentGradients(false, 2, 17, 64, 30 + pass);
            Tensor[] reused = graph.get();
            for (int i = 0; i < 2; i++) {
                int k = i;
                int p = pass;
                assertTrue(reused[i].bitwiseEquals(fresh.get()[i]), () -> "pass " + p + ": gradient " + k
                        + " differs from a fresh thread's by " + reused[k].maxAbsDiff(fresh.get()[k]));
            }
        }
    }

    /**
     * {@code a + b} hands one gradient tensor to both a and b; a then receives a second
     * contribution (from a term created before the sum) while b has not run yet. The engine must
     * add it into a buffer of its own, not into the tensor it shares with b: b's gradient would
     * then include a's other term.
     */
    @Test
    void aBorrowedGradientSharedWithAnotherValueIsNotAccumulatedInPlace() {
        Tensor x1 = Tensor.uniform(1, -1, 1, 5, 300);
        Tensor x2 = Tensor.uniform(2, -1, 1, 5, 300);
        Tensor c = Tensor.uniform(3, -1, 1, 5, 300);
        Tensor d = Tensor.uniform(4, -1, 1, 5, 300);
        Var p1 = Var.param(x1.copy(), "x1");
        Var p2 = Var.param(x2.copy(), "x2");
        Var a = p1.tanh();
        Var b = p2.exp();
        Var first = a.mul(Var.constant(d)).sum();              // arrives last at a
        Var second = Ops.add(a, b).mul(Var.constant(c)).sum();  // hands c to a and b, first
        first.add(second).backward();
        // d(exp x2) = c ⊙ exp(x2); d(tanh x1) = (c + d) ⊙ (1 − tanh² x1)
        Tensor wantB = c.mul(x2.exp());
        Tensor t = x1.tanh();
        Tensor wantA = c.add(d).mul(Tensor.ones(5, 300).sub(t.mul(t)));
        assertTrue(p2.grad().maxAbsDiff(wantB) <= 4 * Math.ulp(1.0) * wantB.abs().maxValue(),
                () -> "b's gradient took a's other term: off by " + p2.grad().maxAbsDiff(wantB));
        assertTrue(p1.grad().maxAbsDiff(wantA) <= 8 * Math.ulp(1.0) * wantA.abs().maxValue(),
                () -> "a's gradient is off by " + p1.grad().maxAbsDiff(wantA));
    }

    /**
     * A fused addmm+tanh writes g ⊙ (1 − y²) over its output gradient g when the engine owns g
     * (as c's gradient when c needs one, else as a scratch buffer). Here g is the tensor
     * {@code y + z} hands to both y and z (borrowed), and z runs after y: writing over it would
     * give z the wrong gradient. The gradients must be bitwise those of the unfused addmm then
     * tanh, which never writes over g.
     */
    @Test
    void aFusedStepDoesNotWriteOverAnOutputGradientItShares() {
        for (boolean cNeedsGrad : new boolean[] {false, true}) {
            Tensor[][] grads = new Tensor[2][];
            for (int f = 0; f < 2; f++) {
                Var w = Var.param(Tensor.randn(11, 0.3, 40, 30), "w");
                Var p = Var.param(Tensor.randn(12, 1.0, 8, 40), "p");
                Var z = p.sigmoid();                                  // created first: runs after y
                Tensor cValue = Tensor.randn(13, 1.0, 8, 40);
                Var c = cNeedsGrad ? Var.param(cValue, "c") : Var.constant(cValue);
                Var h = Var.constant(Tensor.randn(14, 1.0, 8, 30));
                Var y = f == 0 ? Ops.addMatMul(c, h, false, w, true, Activation.TANH)
                        : Ops.addMatMul(c, h, false, w, true).tanh();
                Ops.add(y, z).mul(Var.constant(Tensor.randn(15, 1.0, 8, 40))).sum().backward();
                grads[f] = new Tensor[] {w.grad(), p.grad(), cNeedsGrad ? c.grad() : Tensor.zeros(1)};
            }
            String what = cNeedsGrad ? "c needs a gradient: " : "c needs none: ";
            assertTrue(grads[0][0].bitwiseEquals(grads[1][0]), what + "W's gradient differs from the unfused ops'");
            assertTrue(grads[0][1].bitwiseEquals(grads[1][1]), what + "z took y's g ⊙ (1 − y²) as its gradient");
            assertTrue(grads[0][2].bitwiseEquals(grads[1][2]), what + "c's gradient differs from the unfused ops'");
        }
    }

    /**
     * A sum hands its input a gradient of ones, added in place where the engine owns that input's
     * pending gradient. Here a's pending gradient is the tensor {@code a + b} also handed to b
     * (borrowed), and a's sum arrives after it while b has not run: the ones must go into a buffer
     * of a's own, not into the tensor b will read.
     */
    @Test
    void aSumDoesNotAddIntoAGradientItsInputShares() {
        Tensor x1 = Tensor.uniform(5, -1, 1, 4, 70);
        Tensor x2 = Tensor.uniform(6, -1, 1, 4, 70);
        Tensor c = Tensor.uniform(7, -1, 1, 4, 70);
        Var p1 = Var.param(x1.copy(), "x1");
        Var p2 = Var.param(x2.copy(), "x2");
        Var a = p1.mul(Var.constant(Tensor.full(3.0, 4, 70)));
        Var b = p2.mul(Var.constant(Tensor.full(5.0, 4, 70)));
        Var first = a.sum();                                   // arrives last at a
        Var second = Ops.add(a, b).mul(Var.constant(c)).sum(); // hands c to a and b, first
        first.add(second).backward();
        // exact: b's gradient is 5c, a's is 3(c + 1), each one rounding from exact inputs
        assertTrue(p2.grad().bitwiseEquals(c.mul(5.0)), "b's gradient took a's sum's ones");
        assertTrue(p1.grad().bitwiseEquals(c.add(Tensor.ones(4, 70)).mul(3.0)), "a's gradient");
    }
}
