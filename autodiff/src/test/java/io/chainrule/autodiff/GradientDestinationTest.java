package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An op may write the gradient of an input straight into the slice where the engine collects it
 * (a split part: {@link Node#gradientDestination}); addmm with an activation does so for c. The
 * gradients must be bitwise those of the unfused ops, which always hand over a buffer to copy:
 * across passes (the joined buffer is reused), when c is also another input of the same op, when
 * a part has a second consumer, and when a hook watches the part.
 */
class GradientDestinationTest {

    private static final int T = 5;
    private static final int B = 3;
    private static final int H = 4;

    /**
     * h_t = tanh(x_t + h_{t-1} Wᵀ) over the parts x_t of x [T, B, H], loss Σ_t Σ h_t (plus, with
     * {@code reuse}, Σ x_2 ⊙ h_4 so that part 2 has a second consumer); {@code fused} uses the one
     * addmm+tanh node, else addmm then tanh. With {@code cIsA} the step is tanh(x_t + x_t Wᵀ).
     */
    private static Tensor[] gradients(boolean fused, boolean cIsA, boolean reuse, List<Tensor> hooked, long seed) {
        Var x = Var.param(Tensor.randn(seed, 1.0, T, B, H), "x");
        Var w = Var.param(Tensor.randn(seed + 1, 0.5, H, H), "w");
        Var[] xs = Ops.unstack(x.mul(1.0), 0);
        if (hooked != null) {
            xs[1].onGradient(hooked::add);
        }
        Var h = Var.constant(Tensor.randn(seed + 2, 1.0, B, H));
        Var loss = Var.constant(0.0);
        for (int t = 0; t < T; t++) {
            Var a = cIsA ? xs[t] : h;
            h = fused ? Ops.addMatMul(xs[t], a, false, w, true, Activation.TANH)
                    : Ops.addMatMul(xs[t], a, false, w, true).tanh();
            loss = loss.add(h.sum());
        }
        if (reuse) {
            loss = loss.add(xs[2].mul(h).sum());
        }
        loss.backward();
        return new Tensor[] {x.grad(), w.grad()};
    }

    private static void assertSameBits(Tensor[] got, Tensor[] want, String what) {
        assertTrue(got[0].bitwiseEquals(want[0]), what + ": the gradient of x differs");
        assertTrue(got[1].bitwiseEquals(want[1]), what + ": the gradient of W differs");
    }

    @Test
    void stepsWrittenIntoTheirPartsGiveBitwiseTheGradientsOfTheUnfusedOps() {
        for (int pass = 0; pass < 3; pass++) {
            long seed = 10 + pass;
            assertSameBits(gradients(true, false, false, null, seed), gradients(false, false, false, null, seed),
                    "pass " + pass);
        }
    }

    @Test
    void cThatIsAlsoTheOtherFactorIsNotWrittenIntoWhileItIsRead() {
        for (int pass = 0; pass < 2; pass++) {
            long seed = 20 + pass;
            assertSameBits(gradients(true, true, false, null, seed), gradients(false, true, false, null, seed),
                    "pass " + pass);
        }
    }

    @Test
    void aPartWithASecondConsumerAddsItsOtherGradient() {
        assertSameBits(gradients(true, false, true, null, 30), gradients(false, false, true, null, 30), "reused part");
    }

    @Test
    void aHookOnAPartSeesTheSameGradient() {
        List<Tensor> fused = new ArrayList<>();
        List<Tensor> unfused = new ArrayList<>();
        assertSameBits(gradients(true, false, false, fused, 40), gradients(false, false, false, unfused, 40), "hooked part");
        assertEquals(1, fused.size());
        assertTrue(fused.get(0).bitwiseEquals(unfused.get(0)), "the hook saw a different gradient");
    }

    /** y = Σ_i (i + 1) x_i over six inputs; backward writes each input's gradient into its own {@link Gradients#destination}. */
    private static final class WeightedSum extends Op {
        static final int COUNT = 6;

        private WeightedSum(Var... xs) {
            super("weighted-sum", xs);
        }

        static Var apply(Var... xs) {
            Tensor y = Tensor.zeros(xs[0].shape());
            for (int i = 0; i < xs.length; i++) {
                y = y.add(xs[i].value().mul(i + 1.0));
            }
            return new WeightedSum(xs).output(y);
        }

        @Override
        protected void backward(Gradients grads) {
            int n = COUNT;
            Tensor[] dest = new Tensor[n];
            for (int i = 0; i < n; i++) {
                dest[i] = grads.destination(i); // every buffer asked for before any is handed over
            }
            for (int i = 0; i < n; i++) {
                dest[i].assignInPlace(grads.output().mul(i + 1.0));
                grads.set(i, dest[i]);
            }
        }
    }

    /** More buffers asked for at once than the engine first makes room for (four), each handed over as the gradient it holds. */
    @Test
    void anOpMayAskForADestinationForEachOfManyInputs() {
        for (int pass = 0; pass < 2; pass++) {
            Var[] xs = new Var[WeightedSum.COUNT];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = Var.param(Tensor.randn(50 + i, 1.0, 9, 10), "x" + i);
            }
            WeightedSum.apply(xs).mul(Var.constant(Tensor.randn(60, 1.0, 9, 10))).sum().backward();
            Tensor c = Tensor.randn(60, 1.0, 9, 10);
            for (int i = 0; i < xs.length; i++) {
                assertTrue(xs[i].grad().bitwiseEquals(c.mul(i + 1.0)), "pass " + pass + ": the gradient of x" + i);
            }
        }
    }
}
