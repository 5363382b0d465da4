package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Activation;
import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint's output gradient that is also another value's: {@code a + b} hands the same
 * gradient tensor to both operands, so when {@code b} is a checkpoint's output, the recomputed
 * segment receives a tensor that {@code a} holds too, and must not write over it (the engine
 * lends it; only buffers it owns may be overwritten). {@code a} runs after the checkpoint when
 * it was created before it. And values a segment captures rather than takes as inputs keep their
 * identity and the order in which their gradients are summed.
 */
class CheckpointSharedGradientTest {

    /** f(x1) and g(x2) summed, one of them checkpointed; the checkpoint created first or second. */
    private static Tensor[] gradients(UnaryOperator<Var> f, boolean checkpointed, boolean checkpointFirst) {
        Var x1 = Var.param(Tensor.uniform(1, -2, 2, 3, 4), "x1");
        Var x2 = Var.param(Tensor.uniform(2, -2, 2, 3, 4), "x2");
        Var a;
        Var b;
        if (checkpointFirst) {
            b = checkpointed ? Checkpoint.single(f, x1) : f.apply(x1);
            a = f.apply(x2);
        } else {
            a = f.apply(x2);
            b = checkpointed ? Checkpoint.single(f, x1) : f.apply(x1);
        }
        Ops.add(a, b).mul(Var.constant(Tensor.uniform(3, -1, 1, 3, 4))).sum().backward();
        return new Tensor[] {x1.grad(), x2.grad()};
    }

    private static void assertSameBits(String what, UnaryOperator<Var> f) {
        for (boolean first : new boolean[] {true, false}) {
            Tensor[] plain = gradients(f, false, first);
            Tensor[] wrapped = gradients(f, true, first);
            for (int i = 0; i < 2; i++) {
                int k = i;
                assertTrue(plain[i].bitwiseEquals(wrapped[i]), () -> what + (first ? ", checkpoint created first" : ", created second")
                        + ": x" + (k + 1) + "'s gradient " + plain[k] + " without checkpoint, " + wrapped[k] + " with");
            }
        }
    }

    @Test
    void aRecomputedTanhDoesNotWriteOverTheGradientItShares() {
        assertSameBits("tanh", Var::tanh);
    }

    @Test
    void aRecomputedSigmoidDoesNotWriteOverTheGradientItShares() {
        assertSameBits("sigmoid", Var::sigmoid);
    }

    @Test
    void aRecomputedAddMatMulWithAnActivationDoesNotWriteOverTheGradientItShares() {
        Var w = Var.param(Tensor.uniform(4, -1, 1, 4, 4), "W");
        assertSameBits("addmm+tanh", v -> Ops.addMatMul(v, v, false, w, true, Activation.TANH));
    }

    /** The smallest case, against finite differences too: (checkpoint(tanh(x1)) + tanh(x2)).sum(), both orders. */
    @Test
    void theSharedGradientCaseMatchesFiniteDifferences() {
        for (boolean first : new boolean[] {true, false}) {
            GradCheck.check(x -> {
                Var a;
                Var b;
                if (first) {
                    b = Checkpoint.single(Var::tanh, x[0]);
                    a = x[1].tanh();
                } else {
                    a = x[1].tanh();
                    b = Checkpoint.single(Var::tanh, x[0]);
                }
                return Ops.add(b, a).sum();
            }, Tensor.uniform(5, -2, 2, 2, 3), Tensor.uniform(6, -2, 2, 2, 3)).assertClose(1e-6);
        }
    }

    /** A captured value the segment returns unchanged is handed back as the very same Var. */
    @Test
    void aCapturedValueReturnedUnchangedIsTheSameVar() {
        Var x = Var.param(Tensor.uniform(7, -1, 1, 2, 3), "x");
        Var y = x.tanh();
        Var[] out = Checkpoint.apply(in -> new Var[] {in[0].exp(), y}, x.mul(Var.constant(2.0)));
        assertSame(y, out[1]);
        Var[] parameterOut = Checkpoint.apply(in -> new Var[] {in[0].exp(), x}, y);
        assertSame(x, parameterOut[1]);
    }

    /**
     * y is captured by the segment (not an input) and also read before and after it; the
     * contributions are 1e16 and two of 0.6 (ulp of 1e16 is 2), so the order in which y's gradient
     * is summed shows in its bits: without checkpoint the later reads come first, then the
     * segment's, then the earlier one. Bitwise the same with the segment checkpointed.
     */
    @Test
    void aCapturedValueReceivesItsGradientsInTheOrderOfTheUncheckpointedGraph() {
        BiFunction<Boolean, Boolean, Tensor> run = (checkpointed, late) -> {
            Var x = Var.param(Tensor.of(new double[] {0.25}, 1), "x");
            Var y = x.mul(Var.constant(1.0));
            Var early = y.mul(Var.constant(late ? 0.6 : 1e16));
            Checkpoint.Segment s = in -> new Var[] {in[0].mul(y).mul(Var.constant(0.6 / 0.25))};
            Var z = Var.param(Tensor.of(new double[] {0.25}, 1), "z");
            Var inside = checkpointed ? Checkpoint.apply(s, z)[0] : s.apply(new Var[] {z})[0];
            Var after = y.mul(Var.constant(late ? 1e16 : 0.6));
            early.add(inside).add(after).sum().backward();
            return x.grad();
        };
        for (boolean late : new boolean[] {true, false}) {
            Tensor plain = run.apply(false, late);
            Tensor wrapped = run.apply(true, late);
            assertTrue(plain.bitwiseEquals(wrapped), () -> "y's gradient " + plain + " without checkpoint, " + wrapped + " with");
        }
        // the order shows in the bits: 1e16 first, then two 0.6, differs from the other way round
        assertTrue(!run.apply(false, true).bitwiseEquals(run.apply(false, false)), "the test cannot see the order");
    }

    /**
     * y is captured (not an input: the segment takes z) and returned unchanged; d and e read y,
     * then c reads the returned value. Without checkpoint y's gradient sums c's 1e16 first, then
     * 0.6 and 0.6 (1e16: each 0.6 is below half an ulp of 1e16); were the returned value routed
     * through the checkpoint node, c's 1e16 would arrive only when the checkpoint runs, after
     * 0.6 + 0.6 = 1.2, and the sum would round to 1e16 + 2.
     */
    @Test
    void aCapturedValueReturnedUnchangedSumsItsGradientsInTheUncheckpointedOrder() {
        java.util.function.Function<Boolean, Tensor> run = checkpointed -> {
            Var x = Var.param(Tensor.of(new double[] {0.25}, 1), "x");
            Var y = x.mul(Var.constant(1.0));
            Var z = Var.param(Tensor.of(new double[] {0.5}, 1), "z");
            Checkpoint.Segment s = in -> new Var[] {in[0].tanh(), y};
            Var[] out = checkpointed ? Checkpoint.apply(s, z) : s.apply(new Var[] {z});
            Var d = y.mul(Var.constant(0.6));
            Var e = y.mul(Var.constant(0.6));
            Var c = out[1].mul(Var.constant(1e16));
            out[0].add(d).add(e).add(c).sum().backward();
            return x.grad();
        };
        Tensor plain = run.apply(false);
        Tensor wrapped = run.apply(true);
        assertTrue(plain.bitwiseEquals(wrapped), () -> "y's gradient " + plain + " without checkpoint, " + wrapped + " with");
        assertTrue(plain.bitwiseEquals(Tensor.of(new double[] {1e16}, 1)), plain::toString);
    }

    /** Gradients of the captured value's graph against finite differences, checkpointed. */
    @Test
    void aCapturedValueReadInsideAndOutsideMatchesFiniteDifferences() {
        Var x = Var.param(Tensor.uniform(8, -1, 1, 2, 3), "x");
        Var z = Var.param(Tensor.uniform(9, -1, 1, 2, 3), "z");
        GradCheck.check(() -> {
            Var y = x.tanh();
            Var early = y.exp();
            Var inside = Checkpoint.apply(in -> new Var[] {in[0].mul(y).sigmoid()}, z)[0];
            return early.add(inside).add(y.mul(y)).sum();
        }, List.of(x, z)).assertClose(1e-6);
    }
}
