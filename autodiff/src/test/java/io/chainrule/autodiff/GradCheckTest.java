package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradCheckTest {

    private static final double TOL = TestTensors.TOLERANCE;

    // ------------------------------------------------------------------ deliberately wrong ops

    /** y = tanh(x) whose backward is 1 % too large: dx = 1.01 · g ⊙ (1 - y²). */
    static final class SloppyTanh extends Op {
        private SloppyTanh(Var x, Tensor y) {
            super("sloppy_tanh", x);
            save(y);
        }

        static Var apply(Var x) {
            Tensor y = x.value().tanh();
            return new SloppyTanh(x, y).output(y);
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor g = grads.output();
            Tensor y = saved(0);
            grads.set(0, g.mul(Tensor.ones(y.shape()).sub(y.mul(y))).mul(1.01));
        }
    }

    /** y = x · exp(x) whose backward drops the product rule's second term: dx = g ⊙ exp(x). */
    static final class ForgetfulXExpX extends Op {
        private ForgetfulXExpX(Var x) {
            super("x_exp_x", x);
            save(x.value());
        }

        static Var apply(Var x) {
            Tensor y = x.value().mul(x.value().exp());
            return new ForgetfulXExpX(x).output(y);
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor g = grads.output();
            grads.set(0, g.mul(saved(0).exp()));
        }
    }

    /**
     * y = Σ c ⊙ x for fixed weights c; backward is right except 1 % off on entries whose weight
     * is below 1e-3 (an error hiding in the small entries of a gradient).
     */
    static final class WrongOnSmallEntries extends Op {
        private final Tensor c;

        private WrongOnSmallEntries(Var x, Tensor c) {
            super("weighted_sum", x);
            this.c = c;
        }

        static Var apply(Var x, Tensor c) {
            Tensor y = x.value().mul(c).sum();
            return new WrongOnSmallEntries(x, c).output(y);
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor g = grads.output();
            Tensor d = c.map(w -> Math.abs(w) < 1e-3 ? 1.01 * w : w);
            grads.set(0, d.mul(g));
        }
    }

    // ------------------------------------------------------------------ right gradients pass

    @Test
    void aCorrectGradientPassesWithSmallErrors() {
        GradCheck.Report r = GradCheck.check(x -> x[0].prod(x[1]).tanh().sum(),
                Tensor.randn(1L, 1.0, 3, 4), Tensor.randn(2L, 1.0, 4, 2));
        r.assertClose(TOL);
        assertEquals(2, r.inputs().size());
        assertEquals("input 0", r.input(0).name());
        assertArrayEquals(new int[] {4, 2}, r.input(1).shape());
        assertEquals(GradCheck.Mode.JACOBIAN, r.input(0).mode());
        assertEquals(12, r.input(0).checkedCount());
        assertTrue(r.maxRelativeError() < 1e-7, r::toString);
    }

    @Test
    void theReportedWorstEntryIsTheEntryOfTheReportedGradients() {
        GradCheck.InputReport r = GradCheck.check(x -> SloppyTanh.apply(x[0]).sum(),
                Tensor.of(new double[] {0.1, -0.4, 2.0, 0.7, -1.2, 0.3}, 2, 3)).input(0);
        int i = r.worstFlatIndex();
        assertEquals(r.analyticGradient().getFlat(i), r.analytic(), 0.0);
        assertEquals(r.numericGradient().getFlat(i), r.numeric(), 0.0);
        int[] index = r.worstIndex();
        assertEquals(i, index[0] * 3 + index[1]);
        assertEquals(-1, r.worstDirection());
    }

    @Test
    void theStepIsTheCubeRootOfMachineEpsilon() {
        assertEquals(Math.pow(2, -52.0 / 3), GradCheck.STEP_SCALE, 1e-20);
        assertEquals(6.055e-6, GradCheck.STEP_SCALE, 1e-9);
    }

    // ------------------------------------------------------------------ wrong gradients fail

    @Test
    void aBackwardOffByOnePercentIsDetected() {
        GradCheck.Report r = GradCheck.check(x -> SloppyTanh.apply(x[0]).sum(), Tensor.randn(3L, 1.0, 3, 3));
        assertFalse(r.passed(TOL));
        assertEquals(0.01 / 1.01, r.maxRelativeError(), 1e-6);
        assertThrows(AssertionError.class, () -> r.assertClose(TOL));
    }

    @Test
    void aBackwardThatDropsATermIsDetected() {
        GradCheck.Report r = GradCheck.check(x -> ForgetfulXExpX.apply(x[0]), Tensor.randn(4L, 1.0, 5));
        assertFalse(r.passed(TOL), r::toString);
        assertTrue(r.maxRelativeError() > 0.05, r::toString);
    }

    @Test
    void theFloorDoesNotHideAnErrorInTheSmallEntries() {
        // gradient (1, 0.5, 1e-5, -2e-5); entries 2 and 3 are 1 % off, 1e-5 of the scale
        Tensor c = Tensor.vector(1, 0.5, 1e-5, -2e-5);
        GradCheck.InputReport r = GradCheck.check(x -> WrongOnSmallEntries.apply(x[0], c), Tensor.randn(5L, 1.0, 4))
                .input(0);
        assertFalse(r.passed(TOL), r::toString);
        assertEquals(3, r.worstFlatIndex(), r::toString);
        // |a - n| = 2e-7 against the floor 1e-2 · G = 1e-2
        assertEquals(2e-5, r.relativeError(), 1e-8, r::toString);
        assertEquals(1e-2, r.floor(), 1e-9);
        // and the pure relative error sees the full 1 %
        GradCheck.Report pure = GradCheck.check(GradCheck.options().withFloorRatio(0).withRoundOffMultiple(0),
                x -> WrongOnSmallEntries.apply(x[0], c), Tensor.randn(5L, 1.0, 4));
        assertEquals(0.01 / 1.01, pure.maxRelativeError(), 1e-6);
    }

    @Test
    void randomDirectionsDetectAWrongGradientOfALargeInput() {
        Tensor big = Tensor.randn(6L, 1.0, 40, 50);
        GradCheck.Report right = GradCheck.check(x -> x[0].tanh().mul(x[0]), big);
        assertEquals(GradCheck.Mode.DIRECTIONS, right.input(0).mode());
        assertEquals(GradCheck.DEFAULT_DIRECTIONS, right.input(0).checkedCount());
        right.assertClose(TOL);
        assertNull(right.input(0).numericGradient());
        assertNull(right.input(0).worstIndex());

        GradCheck.Report wrong = GradCheck.check(x -> SloppyTanh.apply(x[0]).mul(x[0]), big);
        assertFalse(wrong.passed(TOL), wrong::toString);
        assertTrue(wrong.input(0).worstDirection() >= 0);
    }

    @Test
    void autoModeChecksSmallInputsEntryByEntryAndLargeOnesByDirections() {
        GradCheck.Options o = GradCheck.options().withJacobianLimit(6);
        GradCheck.Report r = GradCheck.check(o, x -> x[0].sum().mul(x[1].sum()),
                Tensor.randn(7L, 1.0, 6), Tensor.randn(8L, 1.0, 7));
        assertEquals(GradCheck.Mode.JACOBIAN, r.input(0).mode());
        assertEquals(GradCheck.Mode.DIRECTIONS, r.input(1).mode());
        GradCheck.Report forced = GradCheck.check(o.withMode(GradCheck.Mode.JACOBIAN).withDirections(3),
                x -> x[0].sum().mul(x[1].sum()), Tensor.randn(7L, 1.0, 6), Tensor.randn(8L, 1.0, 7));
        assertEquals(GradCheck.Mode.JACOBIAN, forced.input(1).mode());
        GradCheck.Report directions = GradCheck.check(o.withMode(GradCheck.Mode.DIRECTIONS).withDirections(3),
                x -> x[0].sum().mul(x[1].sum()), Tensor.randn(7L, 1.0, 6), Tensor.randn(8L, 1.0, 7));
        assertEquals(3, directions.input(0).checkedCount());
    }

    @Test
    void anEmptyInputHasNothingToCheckInEitherMode() {
        for (GradCheck.Mode mode : GradCheck.Mode.values()) {
            GradCheck.Report r = GradCheck.check(GradCheck.options().withMode(mode),
                    x -> x[0].sum().add(x[1].tanh().sum()), Tensor.zeros(0, 3), Tensor.vector(0.5));
            assertEquals(0, r.input(0).checkedCount(), mode.toString());
            assertEquals("no entries", r.input(0).where());
            r.assertClose(TOL);
        }
    }

    @Test
    void aNonScalarOutputIsProjectedOnAFixedRandomVector() {
        Function<Var[], Var> f = x -> SloppyTanh.apply(x[0]).prod(x[1]);
        Tensor a = Tensor.randn(9L, 1.0, 2, 3);
        Tensor b = Tensor.randn(10L, 1.0, 3, 2);
        GradCheck.Report r = GradCheck.check(f, a, b);
        assertArrayEquals(new int[] {2, 2}, r.outputShape());
        assertFalse(r.input(0).passed(TOL), r::toString);
        assertTrue(r.input(1).passed(TOL), r::toString);
        // the same seed gives the same projection, hence the same report
        assertEquals(r.loss(), GradCheck.check(f, a, b).loss(), 0.0);
        GradCheck.check(x -> x[0].tanh().prod(x[1]), a, b).assertClose(TOL);
    }

    @Test
    void theFailureMessageNamesTheInputTheIndexBothValuesAndTheError() {
        Var w = Var.param(Tensor.of(new double[] {0.5, -1.0, 1.5, 0.2}, 2, 2), "W");
        GradCheck.Report r = GradCheck.check(() -> SloppyTanh.apply(w).sum(), List.of(w));
        AssertionError e = assertThrows(AssertionError.class, () -> r.assertClose(TOL));
        GradCheck.InputReport worst = r.input(0);
        String m = e.getMessage();
        assertTrue(m.contains("input 0 'W' of shape [2, 2]"), m);
        assertTrue(m.contains("index " + java.util.Arrays.toString(worst.worstIndex())
                + " (flat " + worst.worstFlatIndex() + ")"), m);
        assertTrue(m.contains("analytic " + worst.analytic()), m);
        assertTrue(m.contains("numeric  " + worst.numeric()), m);
        assertTrue(m.contains(String.format("relative error %.3e > 1.0E-6", worst.relativeError())), m);
    }

    // ------------------------------------------------------------------ the relative error

    @Test
    void theRelativeErrorIsTheExcessOverRoundOffOverTheLargestOfBothMagnitudesAndTheFloor() {
        // relativeError(a, n, ν, φ) = max(0, |a - n| - ν) / max(|a|, |n|, φ)
        assertEquals(0.0, GradCheck.relativeError(0, 0, 0, 0), 0.0);
        assertEquals(0.0, GradCheck.relativeError(3, 3, 0, 0), 0.0);
        assertEquals(0.5, GradCheck.relativeError(1, 2, 0, 0), 0.0);
        assertEquals(0.5, GradCheck.relativeError(-2, -1, 0, 0.1), 0.0);
        assertEquals(1e-3, GradCheck.relativeError(1e-9, 2e-9, 0, 1e-6), 1e-18);
        assertEquals(1.0, GradCheck.relativeError(0, 1e-20, 0, 0), 0.0);
        assertEquals(0.25, GradCheck.relativeError(1, 2, 0.5, 0), 0.0);
        assertEquals(0.0, GradCheck.relativeError(1e-12, 0, 1e-11, 0), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, GradCheck.relativeError(Double.NaN, 1, 0, 0), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, GradCheck.relativeError(1, Double.POSITIVE_INFINITY, 1, 1), 0.0);
    }

    @Test
    void theFloorIsTheRatioTimesTheFunctionsGradientScaleOrTheAbsoluteFloor() {
        // dL/dx = (4, 1e-3), dL/dy = (0.5)
        Function<Var[], Var> f = x -> x[0].mul(Var.constant(Tensor.vector(4, 1e-3))).sum().add(x[1].mul(0.5).sum());
        GradCheck.Report r = GradCheck.check(f, Tensor.vector(1, 2), Tensor.vector(3));
        assertEquals(4.0, r.gradientScale(), 1e-9);
        assertEquals(0.04, r.floor(), 1e-11);
        assertEquals(0.04, r.input(1).floor(), 1e-11);
        assertEquals(0.5, r.input(1).gradientScale(), 1e-9);
        GradCheck.Report abs = GradCheck.check(GradCheck.options().withAbsoluteFloor(0.5), f, Tensor.vector(1, 2),
                Tensor.vector(3));
        assertEquals(0.5, abs.floor(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> GradCheck.options().withFloorRatio(-1));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.options().withFloorRatio(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.options().withAbsoluteFloor(-1));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.options().withDirections(0));
    }

    @Test
    void theRoundOffOfTheOutputsIsDiscounted() {
        // Σ x^0.001: values about 1, slopes about 1e-3, so the outputs' rounding dominates the differences
        Function<Var[], Var> f = x -> x[0].pow(0.001).sum();
        Tensor x0 = Tensor.uniform(21L, 0.5, 2.0, 40);
        GradCheck.Report r = GradCheck.check(f, x0);
        r.assertClose(TOL);
        double nu = r.input(0).roundOff();
        double h = GradCheck.STEP_SCALE * Math.max(Math.abs(x0.getFlat(r.input(0).worstFlatIndex())), 1);
        assertEquals(Math.ulp(1.0) * Math.abs(r.loss()) / h, nu, 1e-6 * nu);
        GradCheck.Report without = GradCheck.check(GradCheck.options().withRoundOffMultiple(0), f, x0);
        assertFalse(without.passed(TOL), without::toString);
    }

    @Test
    void theRoundOffAllowanceDoesNotHideAWrongGradientOfALargeFunction() {
        // Λ = 1e3 makes ν ≈ 4e-8, far below the 1 % error of gradients of size 0.1 .. 1
        GradCheck.Report r = GradCheck.check(x -> SloppyTanh.apply(x[0]).sum().add(Var.constant(1e3)),
                Tensor.randn(22L, 1.0, 6));
        assertTrue(r.input(0).roundOff() > 1e-8 && r.input(0).roundOff() < 1e-7, r::toString);
        assertFalse(r.passed(TOL), r::toString);
        assertTrue(r.maxRelativeError() > 0.009, r::toString);
    }

    @Test
    void anInputWhoseGradientCancelsExactlyIsMeasuredAgainstTheFunctionsScale() {
        // d/dy of (tanh y - tanh y) is 0 in exact arithmetic; x carries the function's scale
        Function<Var[], Var> f = x -> x[0].exp().sum().add(x[1].tanh().sub(x[1].tanh()).mul(x[0].sum()).sum());
        GradCheck.Report r = GradCheck.check(f, Tensor.vector(0.5, 1.0), Tensor.vector(0.3, -0.8, 1.1));
        r.assertClose(TOL);
        assertTrue(r.input(1).gradientScale() < 1e-12, r::toString);
    }

    @Test
    void anErrorInAnInputWithSmallGradientsIsStillDetected() {
        // input 1's gradient is 1e-4 of input 0's and 1 % off
        Function<Var[], Var> f = x -> x[0].mul(1e4).sum().add(SloppyTanh.apply(x[1]).sum());
        GradCheck.Report r = GradCheck.check(f, Tensor.vector(0.5, 1.0), Tensor.vector(0.3, -0.8, 1.1));
        assertTrue(r.input(0).passed(TOL), r::toString);
        assertFalse(r.input(1).passed(TOL), r::toString);
        assertTrue(r.input(1).relativeError() > 1e-5, r::toString);
    }

    @Test
    void aGradientThatIsZeroInExactArithmeticNeedsAnAbsoluteFloor() {
        // Σ softmax(x) = 1: the gradient is 0 and both sides are round-off
        Function<Var[], Var> f = x -> Ops.softmax(x[0], 0).sum().mul(100.0);
        Tensor x0 = Tensor.randn(11L, 1.0, 6);
        GradCheck.Report relative = GradCheck.check(f, x0);
        assertTrue(relative.input(0).gradientScale() < 1e-8, relative::toString);
        assertFalse(relative.passed(TOL), relative::toString);
        // round-off ε·|L|/h ≈ 3.7e-9 needs τ·φ_abs above it
        GradCheck.check(GradCheck.options().withAbsoluteFloor(1e-2), f, x0).assertClose(TOL);
    }

    // ------------------------------------------------------------------ parameters and their state

    @Test
    void parametersReadByAClosureAreChecked() {
        Var w = Var.param(Tensor.randn(12L, 0.5, 3, 3), "W");
        Var b = Var.param(Tensor.randn(13L, 0.5, 3), "b");
        Var data = Var.constant(Tensor.randn(14L, 1.0, 4, 3));
        GradCheck.Report r = GradCheck.check(() -> Ops.mean(data.prod(w).add(b).tanh().pow(2)), List.of(w, b));
        r.assertClose(TOL);
        assertEquals("W", r.input(0).name());
        assertEquals("b", r.input(1).name());
    }

    @Test
    void valuesAndGradientsAreRestoredBitwise() {
        Tensor init = Tensor.randn(15L, 1.0, 3, 2);
        Var w = Var.param(init.copy(), "W");
        Tensor earlier = Tensor.full(7.0, 3, 2);
        w.setGrad(earlier);
        GradCheck.check(() -> w.exp().sum(), List.of(w)).assertClose(TOL);
        assertTrue(w.value().bitwiseEquals(init));
        assertSame(earlier, w.grad());
        assertTrue(earlier.bitwiseEquals(Tensor.full(7.0, 3, 2)));
    }

    @Test
    void valuesAndGradientsAreRestoredWhenTheFunctionThrows() {
        Tensor init = Tensor.randn(16L, 1.0, 40, 30);
        Var w = Var.param(init.copy(), "W");
        Var v = Var.param(Tensor.randn(17L, 1.0, 5), "v");
        int[] calls = new int[1];
        for (GradCheck.Mode mode : new GradCheck.Mode[] {GradCheck.Mode.JACOBIAN, GradCheck.Mode.DIRECTIONS}) {
            calls[0] = 0;
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> GradCheck.check(GradCheck.options().withMode(mode), () -> {
                        if (++calls[0] == 4) {
                            throw new IllegalStateException("boom");
                        }
                        return w.tanh().sum().add(v.sum());
                    }, List.of(w, v)));
            assertEquals("boom", e.getMessage());
            assertTrue(w.value().bitwiseEquals(init), mode.toString());
            assertNull(w.grad());
            assertNull(v.grad());
        }
    }

    @Test
    void tensorInputsAreCopiedNotModified() {
        Tensor x = Tensor.randn(18L, 1.0, 4);
        Tensor before = x.copy();
        GradCheck.check(v -> v[0].tanh().sum(), x).assertClose(TOL);
        assertTrue(x.bitwiseEquals(before));
    }

    @Test
    void onlyDistinctParametersCanBeChecked() {
        Var w = Var.param(Tensor.vector(1, 2));
        Var c = Var.constant(Tensor.vector(1, 2));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(w::sum, List.of(c)));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(() -> w.tanh(), List.of(w.tanh())));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(w::sum, List.of(w, w)));
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(w::sum, List.of()));
    }

    @Test
    void theFunctionIsRecordedOnceAndEvaluatedUnderNoGradForTheDifferences() {
        int[] recordedCalls = new int[1];
        int[] plainCalls = new int[1];
        GradCheck.check(x -> {
            if (GradMode.isEnabled()) {
                recordedCalls[0]++;
            } else {
                plainCalls[0]++;
            }
            return x[0].exp().sum();
        }, Tensor.vector(1, 2, 3)).assertClose(TOL);
        assertEquals(1, recordedCalls[0]);
        assertEquals(2 * 3, plainCalls[0]);
    }

    @Test
    void randomDrawsInsideTheFunctionAreTheSameInEveryCall() {
        Function<Var[], Var> dropout = x -> {
            double[] mask = new double[x[0].value().size()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = Rng.current().nextDouble() < 0.5 ? 0 : 2;
            }
            return x[0].tanh().mul(Var.constant(Tensor.wrap(mask, x[0].shape()))).sum();
        };
        Rng.current().setSeed(99);
        Rng.State start = Rng.current().snapshot();
        GradCheck.check(dropout, Tensor.randn(19L, 1.0, 8)).assertClose(TOL);
        Rng.State after = Rng.current().snapshot();
        Rng.current().restore(start);
        dropout.apply(new Var[] {Var.constant(Tensor.zeros(8))});
        assertEquals(Rng.current().snapshot().toString(), after.toString());
    }

    // ------------------------------------------------------------------ surrogates

    @Test
    void detachedValuesMustBeHeldConstantOnTheNumericSide() {
        Tensor x0 = Tensor.randn(20L, 1.0, 3);
        // L = Σ x ⊙ detach(tanh x): backward sees only the first factor
        GradCheck.Report naive = GradCheck.check(x -> x[0].mul(x[0].tanh().detach()).sum(), x0);
        assertFalse(naive.passed(TOL), "finite differences of the full function cannot agree with the surrogate");

        Tensor[] held = new Tensor[1];
        GradCheck.check(x -> {
            Var t;
            if (GradMode.isEnabled()) {
                t = x[0].tanh().detach();
                held[0] = t.value();
            } else {
                t = Var.constant(held[0]);
            }
            return x[0].mul(t).sum();
        }, x0).assertClose(TOL);
    }
}
