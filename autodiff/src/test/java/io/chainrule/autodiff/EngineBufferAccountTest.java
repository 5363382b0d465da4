package io.chainrule.autodiff;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.core.kernel.Kernels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the engine keeps for reuse after a pass ({@link Memory#keptBufferBytes()}, the public
 * account of the thread's spare gradient buffers) and where it reads staged weight-gradient rows.
 * Buffer reuse and reading rows in place are features (memory, speed): a graph whose buffers the
 * engine made and nobody else holds leaves exactly those in the pool, a user's tensor or a buffer
 * someone still holds is never kept, and staged rows that stay unchanged are not copied (the copy
 * areas, {@code 256 · width} elements a factor, would otherwise be kept after the pass). Every
 * expected count below is worked out from the graph: which buffers the engine makes, which it
 * hands on, which it copies into. The values are checked bitwise against plain tensor arithmetic.
 *
 * <p>The custom ops use only the public contract of {@link Gradients}.
 */
class EngineBufferAccountTest {

    /** Rows a parameter collects before they are multiplied out (the staging block). */
    private static final int ROWS = 256;
    /** Wide enough for the vector kernel to read staged rows in place (checked by {@link #theKernelReadsRowsInPlaceAtWidthH}). */
    private static final int H = 260;

    @BeforeEach
    @AfterEach
    void emptyPool() {
        Memory.releaseBuffers();
    }

    private static long doubles(long n) {
        return 8 * n;
    }

    @Test
    void theKernelReadsRowsInPlaceAtWidthH() {
        assertTrue(Kernels.gemm().gathersInPlace(H, H), Kernels.describe() + " copies staged rows of a [" + H + ", " + H
                + "] product: raise H above its thresholds");
    }

    // ------------------------------------------------------------------ custom ops

    /** The loss y = Σ (a·W) ⊙ b of two tensors it saves: W's gradient is aᵀ·b, handed over as a product. */
    private static final class Bilinear extends Op {
        private Bilinear(Var w) {
            super("bilinear", w);
        }

        static Var apply(Var w, Tensor a, Tensor b) {
            Bilinear op = new Bilinear(w);
            op.save(a, b);
            return op.output(a.matmul(w.value()).mul(b).sum());
        }

        @Override
        protected void backward(Gradients grads) {
            if (grads.output().item() != 1.0) {
                throw new IllegalStateException("used as a loss only (its output gradient must be 1)");
            }
            grads.addProduct(0, saved(0), true, saved(1), false);
        }
    }

    /** y = a·W for a tensor a it saves: W's gradient aᵀ·g (g the output gradient). */
    private static final class LeftProduct extends Op {
        private LeftProduct(Var w) {
            super("left-product", w);
        }

        static Var apply(Var w, Tensor a) {
            LeftProduct op = new LeftProduct(w);
            op.save(a);
            return op.output(a.matmul(w.value()));
        }

        @Override
        protected void backward(Gradients grads) {
            grads.addProduct(0, saved(0), true, grads.output(), false);
        }
    }

    /** y = b·Wᵀ for a tensor b it saves: W's gradient gᵀ·b. */
    private static final class RightProduct extends Op {
        private RightProduct(Var w) {
            super("right-product", w);
        }

        static Var apply(Var w, Tensor b) {
            RightProduct op = new RightProduct(w);
            op.save(b);
            return op.output(b.matmul(false, w.value(), true));
        }

        @Override
        protected void backward(Gradients grads) {
            grads.addProduct(0, grads.output(), true, saved(0), false);
        }
    }

    /**
     * y = a·W + 2u: W's gradient aᵀ·g is handed over as a product first, then u's gradient 2g is
     * written over g where {@link Gradients#overwritableOutput} allows it.
     */
    private static final class ProductThenScaled extends Op {
        private ProductThenScaled(Var w, Var u) {
            super("product-then-scaled", w, u);
        }

        static Var apply(Var w, Var u, Tensor a) {
            ProductThenScaled op = new ProductThenScaled(w, u);
            op.save(a);
            return op.output(a.matmul(w.value()).add(u.value().mul(2.0)));
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor g = grads.output();
            grads.addProduct(0, saved(0), true, g, false);
            Tensor out = grads.overwritableOutput();
            out.assignInPlace(g.mul(2.0));
            grads.set(1, out);
        }
    }

    /** y = a + 2b, each input's gradient written into its own {@link Gradients#destination}, both asked for first. */
    private static final class PlusTwice extends Op {
        private PlusTwice(Var a, Var b) {
            super("plus-twice", a, b);
        }

        static Var apply(Var a, Var b) {
            return new PlusTwice(a, b).output(a.value().add(b.value().mul(2.0)));
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor d0 = grads.destination(0);
            Tensor d1 = grads.destination(1);
            d0.assignInPlace(grads.output());
            d1.assignInPlace(grads.output().mul(2.0));
            grads.set(0, d0);
            grads.set(1, d1);
        }
    }

    /** y = u; backward asks for a destination it then does not use, and hands over the output gradient itself. */
    private static final class PassesItsGradientOn extends Op {
        private PassesItsGradientOn(Var u) {
            super("passes-its-gradient-on", u);
        }

        static Var apply(Var u) {
            return new PassesItsGradientOn(u).output(u.value().copy());
        }

        @Override
        protected void backward(Gradients grads) {
            grads.destination(0);
            grads.set(0, grads.output());
        }
    }

    /** y = u; backward hands over the output gradient as it is. */
    private static final class Forwards extends Op {
        private Forwards(Var u) {
            super("forwards", u);
        }

        static Var apply(Var u) {
            return new Forwards(u).output(u.value().copy());
        }

        @Override
        protected void backward(Gradients grads) {
            grads.set(0, grads.output());
        }
    }

    /** y = 3u; u's gradient is written into its destination and handed over as another view of that buffer. */
    private static final class HandsOverAView extends Op {
        private HandsOverAView(Var u) {
            super("hands-over-a-view", u);
        }

        static Var apply(Var u) {
            return new HandsOverAView(u).output(u.value().mul(3.0));
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor d = grads.destination(0);
            d.assignInPlace(grads.output().mul(3.0));
            grads.set(0, d.reshape(-1).reshape(d.shape()));
        }
    }

    // ------------------------------------------------------------------ gradient buffers kept for reuse

    /**
     * x → tanh → tanh, seeded with a user's tensor S [100]. The outer tanh gets S (borrowed) and
     * writes its input's gradient into one new buffer the engine owns; the inner tanh writes over
     * that buffer (it owns it) and hands it to x, which copies it. So the pass leaves exactly that
     * one buffer of 100 doubles in the pool, never S: the next pass takes the kept buffer and
     * writes over it, and S must stay as the user made it.
     */
    @Test
    void aChainKeepsTheOneBufferItMadeAndNeverTheUsersSeed() {
        Tensor seed = Tensor.randn(1, 1.0, 100);
        Tensor seedBefore = seed.copy();
        for (int pass = 0; pass < 3; pass++) {
            Var x = Var.param(Tensor.randn(2 + pass, 1.0, 100), "x");
            x.tanh().tanh().backward(seed);
            assertEquals(doubles(100), Memory.keptBufferBytes(), "pass " + pass + ": the buffers kept");
            assertTrue(seed.bitwiseEquals(seedBefore), "pass " + pass + ": the user's seed was written over");
            Tensor y1 = x.value().tanh();
            Tensor y2 = y1.tanh();
            Tensor want = seedBefore.mul(y2.mul(y2).neg().add(1.0)).mul(y1.mul(y1).neg().add(1.0));
            assertTrue(x.grad().maxAbsDiff(want) <= 1e-15, "pass " + pass + ": x's gradient");
        }
    }

    /**
     * x → tanh → … → tanh (n of them), seeded with the user's S [100]: the rules for which buffers
     * are kept, applied along a chain. The last tanh receives S (borrowed) and writes its input's
     * gradient into a new buffer the engine owns; the next writes over that buffer (it owns it)
     * and passes it on as it is, so it is borrowed from then on and not kept; the next writes into
     * a new buffer again, and so on; x copies whatever reaches it. A buffer written over and handed
     * to x is kept once its tanh has run; one passed on to another tanh is not. So one buffer of
     * 100 doubles is kept for an even n, none for an odd n.
     */
    @Test
    void aChainKeepsABufferOnlyWhereItsLastWriterWasTheEngine() {
        for (int n = 1; n <= 5; n++) {
            Memory.releaseBuffers();
            Tensor seed = Tensor.randn(5, 1.0, 100);
            Var x = Var.param(Tensor.randn(6, 1.0, 100), "x");
            Var y = x;
            for (int i = 0; i < n; i++) {
                y = y.tanh();
            }
            y.backward(seed);
            assertEquals(n % 2 == 0 ? doubles(100) : 0, Memory.keptBufferBytes(), n + " tanh: the buffers kept");
            Tensor want = seed;
            Tensor[] ys = new Tensor[n + 1];
            ys[0] = x.value();
            for (int i = 1; i <= n; i++) {
                ys[i] = ys[i - 1].tanh();
            }
            for (int i = n; i >= 1; i--) {
                want = want.mul(ys[i].mul(ys[i]).neg().add(1.0));
            }
            assertTrue(x.grad().maxAbsDiff(want) <= 1e-15, n + " tanh: x's gradient");
        }
    }

    /**
     * A split of x [T, B, W] whose parts each go through tanh: every tanh writes its gradient
     * straight into its part of the split's joined buffer (the only buffer the pass makes, T·B·W
     * doubles), which x copies; after the pass the pool keeps that buffer. At 64 elements, the
     * smallest the pool keeps, too.
     */
    @Test
    void aSplitKeepsItsJoinedGradientForTheNextPass() {
        int[][] shapes = {{4, 4, 16}, {4, 4, 4}};
        for (int[] s : shapes) {
            for (int pass = 0; pass < 2; pass++) {
                Memory.releaseBuffers();
                Tensor x0 = Tensor.randn(10 + pass, 1.0, s);
                Var x = Var.param(x0, "x");
                Var[] parts = Ops.unstack(x, 0);
                Var loss = Var.constant(0.0);
                for (Var p : parts) {
                    loss = loss.add(p.tanh().sum());
                }
                loss.backward();
                assertEquals(doubles((long) s[0] * s[1] * s[2]), Memory.keptBufferBytes(),
                        "the joined buffer of " + java.util.Arrays.toString(s));
                Tensor t = x0.tanh();
                assertTrue(x.grad().maxAbsDiff(t.mul(t).neg().add(1.0)) <= 1e-15, "x's gradient");
            }
        }
    }

    /** Σ tanh(2p) + Σ tanh(3q) for p, q [30, 20], both tanh gradients pending at once (two buffers of 600 doubles). */
    private static Tensor[] twoPendingBuffers() {
        Var p = Var.param(Tensor.randn(150, 1.0, 30, 20), "p");
        Var q = Var.param(Tensor.randn(151, 1.0, 30, 20), "q");
        Var a = p.mul(2.0);
        Var b = q.mul(3.0);
        Var ta = a.tanh();
        Var tb = b.tanh();
        ta.sum().add(tb.sum()).backward();
        return new Tensor[] {p.grad(), q.grad()};
    }

    /**
     * A split into one part (a sequence of length 1): the part fills the joined buffer, which the
     * pool keeps once, not twice; kept twice, it would be handed out as two buffers, and a later
     * pass with two gradients of that size pending at once would write one over the other. The
     * later pass must give bitwise the gradients it gives on an empty pool.
     */
    @Test
    void aSplitIntoOnePartKeepsItsJoinedBufferOnce() {
        Tensor[] want = twoPendingBuffers();
        Memory.releaseBuffers();
        Var x = Var.param(Tensor.randn(152, 1.0, 1, 30, 20), "x");
        Ops.unstack(x, 0)[0].tanh().sum().backward();
        assertEquals(doubles(600), Memory.keptBufferBytes(), "the joined buffer, once");
        Tensor[] got = twoPendingBuffers();
        assertTrue(got[0].bitwiseEquals(want[0]) && got[1].bitwiseEquals(want[1]),
                "a later pass reusing the kept buffers");
    }

    /**
     * An op hands over its destination buffer as another view of it: the producer holds that
     * array now (a pending gradient it passes on to x, which copies it), so it is not kept for
     * reuse; the pass makes no other buffer (the seed is the user's).
     */
    @Test
    void aDestinationHandedOverAsAnotherViewIsNotKept() {
        Tensor seed = Tensor.randn(20, 1.0, 100);
        Var x = Var.param(Tensor.randn(21, 1.0, 100), "x");
        HandsOverAView.apply(Forwards.apply(x)).backward(seed);
        assertTrue(x.grad().bitwiseEquals(seed.mul(3.0)), "x's gradient");
        assertEquals(0, Memory.keptBufferBytes(), "a buffer the producer still held was kept for reuse");
    }

    // ------------------------------------------------------------------ staged rows: in place or copied

    /**
     * Two products aᵢᵀ·bᵢ for W [H, H] from rows of the same two saved arrays (views at offsets
     * 5 and 25 rows into them): both factors stay unchanged until multiplied out and lie in one
     * array each, so they are read in place and nothing is copied: the pool keeps no copy area
     * (the pass makes no other buffer: every gradient but W's is a scalar).
     */
    @Test
    void savedRowsAreReadInPlaceWithoutACopy() {
        Tensor a = Tensor.randn(30, 1.0, 50, H);
        Tensor b = Tensor.randn(31, 1.0, 50, H);
        Tensor a1 = a.slice(0, 5, 25);
        Tensor b1 = b.slice(0, 5, 25);
        Tensor a2 = a.slice(0, 25, 45);
        Tensor b2 = b.slice(0, 25, 45);
        Var w = Var.param(Tensor.randn(32, 0.1, H, H), "w");
        Bilinear.apply(w, a1, b1).add(Bilinear.apply(w, a2, b2)).backward();
        // the second op was created last, so its product arrives first
        Tensor want = a2.matmul(true, b2, false).addMatMulInPlace(a1, true, b1, false);
        assertTrue(w.grad().bitwiseEquals(want), "W's gradient");
        assertEquals(0, Memory.keptBufferBytes(), "staged rows that stay unchanged were copied");
    }

    /**
     * The same with the second product's rows in other arrays: one block cannot read rows from
     * two arrays, so the rows read in place so far are copied with the new ones into one copy area
     * per factor (256 rows of H each), which the pool keeps after the pass; 128 + 128 rows fill
     * exactly one block (one product, not two). Float64, then float32 over three passes, where the
     * copy areas are taken from the pool again (a float counts half a double).
     */
    @Test
    void rowsFromAnotherArrayAreCopiedIntoOneBlockWhoseAreasAreKept() {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Memory.releaseBuffers();
            for (int pass = 0; pass < 3; pass++) {
                Tensor a1 = Tensor.randn(40 + pass, 1.0, 128, H).cast(dtype);
                Tensor b1 = Tensor.randn(50 + pass, 1.0, 128, H).cast(dtype);
                Tensor a2 = Tensor.randn(60 + pass, 1.0, 140, H).cast(dtype).slice(0, 6, 134);
                Tensor b2 = Tensor.randn(70 + pass, 1.0, 140, H).cast(dtype).slice(0, 6, 134);
                Var w = Var.param(Tensor.randn(33, 0.1, H, H).cast(dtype), "w");
                Bilinear.apply(w, a1, b1).add(Bilinear.apply(w, a2, b2)).backward();
                Tensor want = a2.matmul(true, b2, false).addMatMulInPlace(a1, true, b1, false);
                assertTrue(w.grad().bitwiseEquals(want), dtype + ", pass " + pass + ": W's gradient");
                long area = (long) ROWS * H;
                long expected = dtype == DType.FLOAT64 ? doubles(2 * area) : doubles(2 * ((area + 1) / 2));
                assertEquals(expected, Memory.keptBufferBytes(), dtype + ", pass " + pass + ": the copy areas kept");
            }
        }
    }

    /**
     * A fused step tanh(x₀ + h·Wᵀ) with x₀ the one part of a split of x [1, B, H]: the step writes
     * dz straight into the part's place in the split's joined buffer, and W's gradient dzᵀ·h is
     * staged with dz read where it lies (the joined buffer stays unchanged until the pass ends)
     * and h read where the step saved it. Nothing is copied: the pool keeps only the joined buffer
     * (B·H doubles). W's gradient is bitwise dzᵀ·h, dz being x's gradient.
     */
    @Test
    void aGradientWrittenIntoAJoinedBufferIsReadInPlace() {
        int batch = 30;
        Var x = Var.param(Tensor.randn(140, 1.0, 1, batch, H), "x");
        Var w = Var.param(Tensor.randn(141, 0.1, H, H), "w");
        Tensor h = Tensor.randn(142, 1.0, batch, H);
        Var[] xs = Ops.unstack(x, 0);
        Ops.addMatMul(xs[0], Var.constant(h), false, w, true, Activation.TANH).sum().backward();
        Tensor dz = x.grad().reshape(batch, H);
        assertTrue(w.grad().bitwiseEquals(dz.matmul(true, h, false)), "W's gradient");
        assertEquals(doubles((long) batch * H), Memory.keptBufferBytes(), "the buffers kept: the joined one only");
    }

    /**
     * One factor is the op's output gradient (the user's seed, which the engine may not read
     * later: copied), the other a saved view 7 rows into its array (read in place): a block with
     * one side copied and the other read in place. W's gradient must be bitwise the plain product,
     * and the one copy area is kept. Both ways round: aᵀ·g and gᵀ·b.
     */
    @Test
    void aBlockWithOneFactorCopiedAndTheOtherReadInPlaceAtAnOffset() {
        long area = doubles((long) ROWS * H);
        Tensor big = Tensor.randn(80, 1.0, 40, H);
        Tensor saved = big.slice(0, 7, 37);
        Tensor seed = Tensor.randn(81, 1.0, 30, H);

        Var w = Var.param(Tensor.randn(82, 0.1, H, H), "w");
        LeftProduct.apply(w, saved).backward(seed);
        assertTrue(w.grad().bitwiseEquals(saved.matmul(true, seed, false)), "aᵀ·g: W's gradient");
        assertEquals(area, Memory.keptBufferBytes(), "aᵀ·g: the copy area of g");

        Memory.releaseBuffers();
        Var v = Var.param(Tensor.randn(83, 0.1, H, H), "v");
        RightProduct.apply(v, saved).backward(seed);
        assertTrue(v.grad().bitwiseEquals(seed.matmul(true, saved, false)), "gᵀ·b: V's gradient");
        assertEquals(area, Memory.keptBufferBytes(), "gᵀ·b: the copy area of g");
    }

    /**
     * A product of exactly one block (256 rows) of small saved factors [256, 8]: staged. Where the
     * kernel would not read rows of an [8, 8] product in place, both factors are copied and their
     * copy areas kept; where it would, nothing is.
     */
    @Test
    void smallFactorsAreCopiedExactlyWhenTheKernelWouldNotReadThemInPlace() {
        int n = 8;
        Tensor a = Tensor.randn(90, 1.0, ROWS, n);
        Tensor b = Tensor.randn(91, 1.0, ROWS, n);
        Var w = Var.param(Tensor.randn(92, 0.1, n, n), "w");
        Bilinear.apply(w, a, b).backward();
        assertTrue(w.grad().bitwiseEquals(a.matmul(true, b, false)), "W's gradient");
        long expected = Kernels.gemm().gathersInPlace(n, n) ? 0 : doubles(2L * ROWS * n);
        assertEquals(expected, Memory.keptBufferBytes(), "the copy areas kept");
    }

    /**
     * y = a·W + 2u, loss Σ tanh(y) (+ Σ of another part of u's split, so that the pass has a joined
     * buffer before y's op runs): the op hands W the product aᵀ·g, then writes u's gradient 2g over
     * g. The rows of g must therefore be copied when staged, not read in place: W's gradient is
     * bitwise aᵀ·g with g = (u's gradient) / 2. With a hook on y, g is what the hook saw, so it is
     * not written over at all: the hook's tensor stays g.
     */
    @Test
    void rowsOfAGradientTheOpThenWritesOverAreNotReadInPlace() {
        for (boolean hooked : new boolean[] {false, true}) {
            Tensor a = Tensor.randn(100, 1.0, 30, H);
            Var w = Var.param(Tensor.randn(101, 0.1, H, H), "w");
            Var u = Var.param(Tensor.randn(102, 1.0, 2, 30, H), "u");
            Var[] parts = Ops.unstack(u, 0);
            Var y = ProductThenScaled.apply(w, parts[1], a);
            List<Tensor> seen = new ArrayList<>();
            if (hooked) {
                y.onGradient(seen::add);
            }
            y.tanh().sum().add(parts[0].sum()).backward();
            Tensor g = u.grad().slice(0, 1, 2).reshape(30, H).mul(0.5);
            String what = hooked ? "hooked: " : "";
            assertTrue(w.grad().bitwiseEquals(a.matmul(true, g, false)), what + "W's gradient");
            if (hooked) {
                assertEquals(1, seen.size());
                assertTrue(seen.get(0).bitwiseEquals(g), "the gradient the hook saw was written over");
            }
        }
    }

    /** y₀, y₁ = the two halves of u [2, 4, 20]; backward takes the joined gradient twice (the contract allows it) and hands over the second. */
    private static final class Halves extends Op {
        static final List<Tensor> FIRST = new ArrayList<>();

        private Halves(Var u) {
            super("halves", u);
        }

        static Var[] apply(Var u) {
            Tensor whole = u.value().copy();
            return new Halves(u).outputParts(whole, whole.slice(0, 0, 1), whole.slice(0, 1, 2));
        }

        @Override
        protected void backward(Gradients grads) {
            FIRST.add(grads.joinedOutputs().copy());
            grads.set(0, grads.joinedOutputs());
        }
    }

    /**
     * The joined gradient of an op's parts may be taken more than once: each time it is the parts'
     * gradients in their places, zeros where none arrived (here the second half gets none).
     */
    @Test
    void theJoinedGradientMayBeTakenTwice() {
        Tensor c = Tensor.randn(130, 1.0, 1, 4, 20);
        Var u = Var.param(Tensor.randn(131, 1.0, 2, 4, 20), "u");
        Halves.FIRST.clear();
        Var[] halves = Halves.apply(u);
        halves[0].mul(Var.constant(c)).sum().backward();
        Tensor want = Tensor.concat(0, c, Tensor.zeros(1, 4, 20));
        assertEquals(1, Halves.FIRST.size());
        assertTrue(Halves.FIRST.get(0).bitwiseEquals(want), "the first joined gradient");
        assertTrue(u.grad().bitwiseEquals(want), "the second joined gradient, u's gradient");
    }

    // ------------------------------------------------------------------ destinations

    /**
     * y = a + 2b with both inputs the same part p of a split (each asking for a destination):
     * p's gradient is g + 2g, added in that order; written into one shared buffer, the second
     * would overwrite the first. With two different parts, each gets its own (the other parts 0).
     */
    @Test
    void anInputThatIsAlsoAnotherInputGetsItsOwnDestination() {
        Tensor c = Tensor.randn(110, 1.0, 4, 20);
        Tensor zero = Tensor.zeros(4, 20);
        for (boolean same : new boolean[] {true, false}) {
            for (int pass = 0; pass < 2; pass++) {
                Var x = Var.param(Tensor.randn(111, 1.0, 3, 4, 20), "x");
                Var[] parts = Ops.unstack(x, 0);
                PlusTwice.apply(parts[0], same ? parts[0] : parts[2]).mul(Var.constant(c)).sum().backward();
                Tensor[] want = same ? new Tensor[] {c.add(c.mul(2.0)), zero, zero}
                        : new Tensor[] {c, zero, c.mul(2.0)};
                for (int t = 0; t < 3; t++) {
                    assertTrue(x.grad().slice(0, t, t + 1).reshape(4, 20).bitwiseEquals(want[t]),
                            (same ? "the same part twice" : "two parts") + ", pass " + pass + ": part " + t);
                }
            }
        }
    }

    /**
     * An op that asks for a destination and then hands over its output gradient itself, which a
     * hook has kept: that tensor is borrowed, so u's other contribution (Σ u's 1s, arriving
     * after) is added into a copy, never into the hook's tensor.
     */
    @Test
    void aGradientHandedOverWhileADestinationIsUnclaimedIsBorrowed() {
        Tensor c = Tensor.randn(120, 1.0, 100);
        Var x = Var.param(Tensor.randn(121, 1.0, 100), "x");
        Var u = x.tanh();
        Var other = u.sum();
        Var y = PassesItsGradientOn.apply(u);
        List<Tensor> seen = new ArrayList<>();
        y.onGradient(seen::add);
        y.mul(Var.constant(c)).sum().add(other).backward();
        assertEquals(1, seen.size());
        assertTrue(seen.get(0).bitwiseEquals(c), "the hook's gradient was added into");
        // kept: the destination nobody received (100 doubles), and the sum the engine made of u's
        // two contributions, which tanh wrote over and handed to x (100 doubles)
        assertEquals(doubles(200), Memory.keptBufferBytes(), "the buffers kept");
        Tensor t = x.value().tanh();
        assertTrue(x.grad().maxAbsDiff(c.add(1.0).mul(t.mul(t).neg().add(1.0))) <= 1e-15, "x's gradient");
    }

    /** y₀ = u, y₁ = 2u, both saved for backward (which only checks they are unchanged and passes g₀ + 2g₁ on). */
    private static final class TwoSavedOutputs extends Op {
        private TwoSavedOutputs(Var u) {
            super("two-saved-outputs", u);
        }

        static Var[] apply(Var u) {
            TwoSavedOutputs op = new TwoSavedOutputs(u);
            Tensor y0 = u.value().copy();
            Tensor y1 = u.value().mul(2.0);
            op.save(y0, y1);
            return op.outputs(y0, y1);
        }

        @Override
        protected void backward(Gradients grads) {
            saved(0);
            saved(1);
            grads.set(0, grads.output(0).add(grads.output(1).mul(2.0)));
        }
    }

    /** An output changed in place after it was saved: the error names that output (output 1, not an input). */
    @Test
    void aModifiedSavedOutputIsNamedInTheError() {
        Var u = Var.param(Tensor.randn(160, 1.0, 5), "u");
        Var[] y = TwoSavedOutputs.apply(u);
        Var loss = y[0].sum().add(y[1].sum());
        y[1].value().markWritten();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("its output 1 of 'two-saved-outputs'"), e.getMessage());
    }

    /** y = u, whose backward fails. */
    private static final class FailsInBackward extends Op {
        private FailsInBackward(Var u) {
            super("fails-in-backward", u);
        }

        static Var apply(Var u) {
            return new FailsInBackward(u).output(u.value().copy());
        }

        @Override
        protected void backward(Gradients grads) {
            throw new IllegalStateException("planted failure");
        }
    }

    /**
     * A pass that fails after W's rows were staged (g, the sum's gradient, copied into a copy
     * area): the failure reaches the caller, and the copy area still goes back to the pool.
     */
    @Test
    void aFailedPassGivesItsCopyAreasBack() {
        Var x = Var.param(Tensor.randn(170, 1.0, 100), "x");
        Var w = Var.param(Tensor.randn(171, 0.1, H, H), "w");
        Var failing = FailsInBackward.apply(x).sum();
        Var loss = failing.add(LeftProduct.apply(w, Tensor.randn(172, 1.0, 30, H)).sum());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, loss::backward);
        assertEquals("planted failure", e.getMessage());
        assertEquals(doubles((long) ROWS * H), Memory.keptBufferBytes(), "the copy area of the failed pass");
    }

    /** The loss y = Σ (a·W) ⊙ b + Σ u: asks for u's destination first, then hands W the product aᵀ·b of two saved tensors, then u its 1s. */
    private static final class DestinationThenProduct extends Op {
        private DestinationThenProduct(Var w, Var u) {
            super("destination-then-product", w, u);
        }

        static Var apply(Var w, Var u, Tensor a, Tensor b) {
            DestinationThenProduct op = new DestinationThenProduct(w, u);
            op.save(a, b);
            return op.output(a.matmul(w.value()).mul(b).sum().add(u.value().sum()));
        }

        @Override
        protected void backward(Gradients grads) {
            if (grads.output().item() != 1.0) {
                throw new IllegalStateException("used as a loss only (its output gradient must be 1)");
            }
            Tensor d = grads.destination(1);
            grads.addProduct(0, saved(0), true, saved(1), false);
            d.fillInPlace(1.0);
            grads.set(1, d);
        }
    }

    /**
     * Saved rows are read in place even while the op holds a destination buffer it has not handed
     * over yet (that buffer is another array): no copy area is kept, and the destination went to
     * u, which copies it, so nothing at all is.
     */
    @Test
    void savedRowsAreReadInPlaceWhileADestinationIsOutstanding() {
        Tensor a = Tensor.randn(180, 1.0, 30, H);
        Tensor b = Tensor.randn(181, 1.0, 30, H);
        Var w = Var.param(Tensor.randn(182, 0.1, H, H), "w");
        Var u = Var.param(Tensor.randn(183, 1.0, 100), "u");
        DestinationThenProduct.apply(w, u, a, b).backward();
        assertTrue(w.grad().bitwiseEquals(a.matmul(true, b, false)), "W's gradient");
        assertTrue(u.grad().bitwiseEquals(Tensor.full(1.0, 100)), "u's gradient");
        assertEquals(0, Memory.keptBufferBytes(), "the buffers kept");
    }

    /** y = Σ_i (i + 1) x_i over five inputs: asks for destinations for inputs 0 to 3, hands input 4 its gradient g·5 first, then the others theirs. */
    private static final class FourDestinationsOutstanding extends Op {
        private FourDestinationsOutstanding(Var... xs) {
            super("four-destinations-outstanding", xs);
        }

        static Var apply(Var... xs) {
            Tensor y = Tensor.zeros(xs[0].shape());
            for (int i = 0; i < xs.length; i++) {
                y = y.add(xs[i].value().mul(i + 1.0));
            }
            return new FourDestinationsOutstanding(xs).output(y);
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor[] d = new Tensor[4];
            for (int i = 0; i < 4; i++) {
                d[i] = grads.destination(i);
            }
            grads.set(4, grads.output().mul(5.0));
            for (int i = 0; i < 4; i++) {
                d[i].assignInPlace(grads.output().mul(i + 1.0));
                grads.set(i, d[i]);
            }
        }
    }

    /** A gradient handed over while as many destinations are outstanding as the engine first makes room for (four). */
    @Test
    void aGradientMayBeHandedOverWhileFourDestinationsAreOutstanding() {
        Var[] xs = new Var[5];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Var.param(Tensor.randn(190 + i, 1.0, 9, 10), "x" + i);
        }
        Tensor c = Tensor.randn(199, 1.0, 9, 10);
        FourDestinationsOutstanding.apply(xs).mul(Var.constant(c)).sum().backward();
        for (int i = 0; i < xs.length; i++) {
            assertTrue(xs[i].grad().bitwiseEquals(c.mul(i + 1.0)), "the gradient of x" + i);
        }
    }
}
