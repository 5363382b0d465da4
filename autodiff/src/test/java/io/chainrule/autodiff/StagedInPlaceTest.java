package io.chainrule.autodiff;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.core.kernel.Kernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Staged weight-gradient rows that will not change before they are multiplied out are read
 * where they lie instead of copied (a sender's saved values, a split's joined gradient). The
 * gradient must still be bitwise that of adding each product as it arrives, and rows that do
 * change (a later contribution to a joined part, the joined buffer once the split has run, a
 * buffer the engine reuses) must be multiplied out before they change. Sizes are large enough
 * (H = 260, W's gradient [H, H]) for the vector kernel to read the rows in place, which
 * {@link #theKernelReadsRowsInPlaceAtTheseSizes} checks: below its thresholds every staged row
 * is copied and these tests would not reach the in-place path at all.
 */
class StagedInPlaceTest {

    private static final int T = 20;
    private static final int B = 30;
    private static final int H = 260;

    /** h_t = tanh(x_t + h_{t-1} Wᵀ) over the parts of x·scale [T, B, H]; the forward values and W's gradient. */
    private static final class Run {
        final Var x;
        final Var w;
        final Tensor h0;
        final Tensor[] hs = new Tensor[T];

        /**
         * @param fused     one addmm+tanh node a step (it writes its c-gradient into the joined buffer), else addmm then tanh
         * @param donate    each step writes its state over its part, as Unroll does, so the states lie in one array
         * @param extraUse  part 2 is also read by a term created before the steps, whose gradient arrives after step 2's
         */
        Run(boolean fused, boolean donate, boolean extraUse, double scale) {
            this(fused, donate, extraUse ? 1 : 0, scale);
        }

        /** {@code extraUse}: 0 none, 1 Σ x_2 ⊙ C (its gradient is added), 2 Σ x_2 V (a product is added), 3 Σ x_2 (a constant is added). */
        Run(boolean fused, boolean donate, int extraUse, double scale) {
            this(fused, donate, extraUse, scale, DType.FLOAT64);
        }

        Run(boolean fused, boolean donate, int extraUse, double scale, DType dtype) {
            x = Var.param(Tensor.randn(1, 1.0, T, B, H).cast(dtype), "x");
            w = Var.param(Tensor.randn(2, 0.1, H, H).cast(dtype), "w");
            h0 = Tensor.randn(3, 1.0, B, H).cast(dtype);
            Var[] xs = Ops.unstack(x.mul(scale), 0);
            Var loss = Var.constant(0.0);
            if (extraUse == 1) {
                loss = loss.add(xs[2].mul(Var.constant(Tensor.randn(4, 1.0, B, H))).sum());
            } else if (extraUse == 2) {
                loss = loss.add(Ops.matmul(xs[2], false, Var.constant(Tensor.randn(5, 1.0, H, 3)), false).tanh().sum());
            } else if (extraUse == 3) {
                loss = loss.add(xs[2].sum());
            }
            if (donate) {
                for (Var p : xs) {
                    p.donate();
                }
            }
            Var h = Var.constant(h0);
            for (int t = 0; t < T; t++) {
                h = fused ? Ops.addMatMul(xs[t], h, false, w, true, Activation.TANH)
                        : Ops.addMatMul(xs[t], h, false, w, true).tanh();
                hs[t] = h.value().copy();
                loss = loss.add(h.sum());
            }
            loss.backward();
        }

        /** W's gradient replayed: dz_tᵀ · h_{t-1} added in place in arrival order (step T-1 first), dz_t read off x's gradient. */
        Tensor replayedWeightGradient(double scale) {
            Tensor want = null;
            for (int t = T - 1; t >= 0; t--) {
                Tensor dz = x.grad().slice(0, t, t + 1).reshape(B, H).mul(1.0 / scale);
                Tensor prev = t == 0 ? h0 : hs[t - 1];
                want = want == null ? dz.matmul(true, prev, false) : want.addMatMulInPlace(dz, true, prev, false);
            }
            return want;
        }
    }

    @Test
    void theKernelReadsRowsInPlaceAtTheseSizes() {
        assertTrue(Kernels.gemm().gathersInPlace(H, H), Kernels.describe() + " copies staged rows of a ["
                + H + ", " + H + "] product: raise H above its thresholds");
    }

    @Test
    void rowsReadInPlaceGiveBitwiseTheGradientOfAddingEachProduct() {
        for (boolean fused : new boolean[] {true, false}) {
            for (boolean donate : new boolean[] {true, false}) {
                Run r = new Run(fused, donate, false, 1.0);
                assertTrue(r.w.grad().bitwiseEquals(r.replayedWeightGradient(1.0)),
                        (fused ? "fused" : "unfused") + (donate ? ", donated" : "") + ": W's gradient");
            }
        }
    }

    /** The same in float32, where the gradient of W is made by the first block of staged rows (no gradient before it). */
    @Test
    void float32RowsReadInPlaceGiveBitwiseTheGradientOfAddingEachProduct() {
        for (boolean fused : new boolean[] {true, false}) {
            for (boolean donate : new boolean[] {true, false}) {
                Run r = new Run(fused, donate, 0, 1.0, DType.FLOAT32);
                assertEquals(DType.FLOAT32, r.w.grad().dtype());
                assertTrue(r.w.grad().bitwiseEquals(r.replayedWeightGradient(1.0)),
                        (fused ? "fused" : "unfused") + (donate ? ", donated" : "") + ": W's float32 gradient");
            }
        }
    }

    @Test
    void aJoinedPartThatReceivesALaterContributionIsMultipliedOutFirst() {
        for (boolean donate : new boolean[] {true, false}) {
            Tensor without = new Run(true, donate, 0, 1.0).w.grad();
            for (int use = 1; use <= 3; use++) {
                Tensor with = new Run(true, donate, use, 1.0).w.grad();
                assertTrue(with.bitwiseEquals(without), (donate ? "donated: " : "") + "the later contribution "
                        + new String[] {"", "(added)", "(a product)", "(a constant)"}[use] + " to part 2 reached W's gradient");
            }
        }
    }

    /**
     * With inputs that need no gradient, the fused step's g ⊙ f'(y) is written over its own
     * gradient buffer, which the engine reuses once the step has run: its rows must be copied, not
     * read in place. The unfused ops give bitwise the same gradient.
     */
    @Test
    void aBufferTheEngineReusesIsNotReadInPlace() {
        Tensor[] grads = new Tensor[2];
        for (int f = 0; f < 2; f++) {
            Var w = Var.param(Tensor.randn(2, 0.1, H, H), "w");
            Var[] xs = Ops.unstack(Var.constant(Tensor.randn(1, 1.0, T, B, H)), 0);
            Var h = Var.constant(Tensor.randn(3, 1.0, B, H));
            Var loss = Var.constant(0.0);
            for (int t = 0; t < T; t++) {
                h = f == 0 ? Ops.addMatMul(xs[t], h, false, w, true, Activation.TANH)
                        : Ops.addMatMul(xs[t], h, false, w, true).tanh();
                loss = loss.add(h.sum());
            }
            loss.backward();
            grads[f] = w.grad();
        }
        assertTrue(grads[0].bitwiseEquals(grads[1]), "fused and unfused steps give different gradients of W");
    }

    @Test
    void theJoinedBufferIsMultipliedOutBeforeTheSplitPassesItOn() {
        // x·2 scales the joined buffer in place once the split has passed it on
        for (boolean donate : new boolean[] {true, false}) {
            Run r = new Run(true, donate, false, 2.0);
            assertTrue(r.w.grad().bitwiseEquals(r.replayedWeightGradient(2.0)), (donate ? "donated: " : "") + "W's gradient");
        }
    }

    /**
     * Splits [2B, H] into its two row halves with its parts' gradients joined, and doubles the
     * joined gradient in place (an op may change what {@code joinedOutputs} gives it) before
     * handing it over: x's gradient is twice a plain split's.
     */
    private static final class HalvesDoubled extends Op {
        private HalvesDoubled(Var x) {
            super("halves-doubled", x);
        }

        static Var[] apply(Var x) {
            int half = x.shape()[0] / 2;
            Tensor v = x.value();
            return new HalvesDoubled(x).outputParts(v, v.slice(0, 0, half), v.slice(0, half, 2 * half));
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor joined = grads.joinedOutputs();
            joined.scaleInPlace(2.0);
            grads.set(0, joined);
        }
    }

    /** A node that changes its parts' gradients in place runs only after the staged rows read from them are multiplied out. */
    @Test
    void rowsAreMultipliedOutBeforeTheirJoinedNodeRuns() {
        Tensor[] grads = new Tensor[2];
        for (int f = 0; f < 2; f++) {
            Var x = Var.param(Tensor.randn(1, 1.0, 2 * B, H), "x");
            Var w = Var.param(Tensor.randn(2, 0.1, H, H), "w");
            Var[] parts = f == 0 ? HalvesDoubled.apply(x.mul(1.0)) : Ops.split(x.mul(1.0), 0, B, B);
            Var h = Var.constant(Tensor.randn(3, 1.0, B, H));
            Var loss = Var.constant(0.0);
            for (Var p : parts) {
                h = Ops.addMatMul(p, h, false, w, true, Activation.TANH);
                loss = loss.add(h.sum());
            }
            loss.backward();
            grads[f] = w.grad();
        }
        assertTrue(grads[0].bitwiseEquals(grads[1]), "W's gradient read the doubled part gradients");
    }

    /**
     * y = x1·Wᵀ + x2·Wᵀ as one op whose backward hands W two products back to back, gᵀ·x1 then
     * gᵀ·x2, with nothing written in between: x1's rows are read in place, then x2's (another
     * array) must be copied together with them. W's gradient must be bitwise the two products added
     * one after the other.
     */
    private static final class TwoProducts extends Op {
        private TwoProducts(Var w, Var x1, Var x2) {
            super("two-products", w, x1, x2);
            save(x1);
            save(x2);
        }

        static Var apply(Var w, Var x1, Var x2) {
            Tensor y = x1.value().matmul(false, w.value(), true).add(x2.value().matmul(false, w.value(), true));
            return new TwoProducts(w, x1, x2).output(y);
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor g = grads.output();
            grads.addProduct(0, g, true, saved(0), false);
            grads.addProduct(0, g, true, saved(1), false);
        }
    }

    @Test
    void rowsFromAnotherArrayAfterRowsReadInPlaceAreCopiedWithThem() {
        int m = 70;
        int n = 260;
        int k = 10;
        assertTrue(Kernels.gemm().gathersInPlace(m, n));
        Var w = Var.param(Tensor.randn(21, 0.1, m, n), "w");
        Tensor x1 = Tensor.randn(22, 1.0, k, n);
        Tensor x2 = Tensor.randn(23, 1.0, k, n);
        Tensor c = Tensor.randn(24, 1.0, k, m);
        TwoProducts.apply(w, Var.constant(x1), Var.constant(x2)).mul(Var.constant(c)).sum().backward();
        Tensor want = c.matmul(true, x1, false).addMatMulInPlace(c, true, x2, false);
        assertTrue(w.grad().bitwiseEquals(want), "W's gradient read x1's rows from x2");
    }
}
