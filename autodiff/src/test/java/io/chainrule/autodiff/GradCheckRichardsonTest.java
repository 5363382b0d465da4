package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GradCheck.Scheme#RICHARDSON}: Richardson-extrapolated central differences resolve
 * relative errors near 1e-9 on smooth functions, where one central difference stops near 1e-6 to
 * 1e-7. A derivative off by a factor {@code 1 + 1e-8} is planted with {@link Ops#scaleGrad} (the
 * value unchanged, the gradient scaled).
 */
class GradCheckRichardsonTest {

    private static final GradCheck.Options RICHARDSON = GradCheck.options().withScheme(GradCheck.Scheme.RICHARDSON);
    private static final double PLANTED = 1 + 1e-8;

    private static void assertCaughtOnlyByRichardson(String what, Function<Var[], Var> wrong, Function<Var[], Var> right,
                                                     GradCheck.Options options, Tensor... inputs) {
        GradCheck.Report sharp = GradCheck.check(options.withScheme(GradCheck.Scheme.RICHARDSON), wrong, inputs);
        assertFalse(sharp.passed(1e-9), () -> what + ": Richardson at 1e-9 missed the planted error\n" + sharp);
        assertTrue(sharp.maxRelativeError() > 5e-9 && sharp.maxRelativeError() < 2e-8,
                () -> what + ": the error seen is not the planted 1e-8\n" + sharp);
        GradCheck.check(options.withScheme(GradCheck.Scheme.RICHARDSON), right, inputs).assertClose(1e-11);
        // the central scheme at the project's tolerance cannot see it
        assertTrue(GradCheck.check(options, wrong, inputs).passed(1e-6), what);
    }

    @Test
    void aTanhDerivativeOffByOnePartInAHundredMillionIsCaught() {
        Tensor x = Tensor.uniform(1, -3, 3, 4, 5);
        assertCaughtOnlyByRichardson("tanh", v -> Ops.scaleGrad(Ops.tanh(v[0]), PLANTED), v -> Ops.tanh(v[0]),
                GradCheck.options(), x);
    }

    @Test
    void aSigmoidDerivativeOffByOnePartInAHundredMillionIsCaught() {
        Tensor x = Tensor.uniform(2, -5, 5, 3, 7);
        assertCaughtOnlyByRichardson("sigmoid", v -> Ops.scaleGrad(Ops.sigmoid(v[0]), PLANTED),
                v -> Ops.sigmoid(v[0]), GradCheck.options(), x);
    }

    @Test
    void aMatrixProductDerivativeOffByOnePartInAHundredMillionIsCaught() {
        Tensor a = Tensor.uniform(3, -2, 2, 4, 5);
        Tensor b = Tensor.uniform(4, -2, 2, 5, 3);
        assertCaughtOnlyByRichardson("matmul", v -> Ops.scaleGrad(Ops.matmul(v[0], false, v[1], false), PLANTED),
                v -> Ops.matmul(v[0], false, v[1], false), GradCheck.options(), a, b);
    }

    @Test
    void randomDirectionsAreExtrapolatedToo() {
        Tensor a = Tensor.uniform(5, -2, 2, 30, 20);
        Tensor b = Tensor.uniform(6, -2, 2, 20, 10);
        GradCheck.Options directions = GradCheck.options().withMode(GradCheck.Mode.DIRECTIONS).withDirections(4);
        assertCaughtOnlyByRichardson("tanh(matmul) by directions",
                v -> Ops.tanh(Ops.scaleGrad(Ops.matmul(v[0], false, v[1], false), PLANTED)),
                v -> Ops.tanh(Ops.matmul(v[0], false, v[1], false)), directions, a, b);
        assertEquals(GradCheck.Mode.DIRECTIONS, GradCheck.check(RICHARDSON.withMode(GradCheck.Mode.DIRECTIONS),
                v -> Ops.tanh(v[0]), a).input(0).mode());
    }

    /** The extrapolated derivative of x³ + x⁵ is 3x² + 5x⁴ to within a few units of round-off. */
    @Test
    void theExtrapolatedDerivativeOfAPolynomialIsExactToRoundOff() {
        Tensor x = Tensor.vector(-1.7, -0.3, 0.2, 0.9, 1.4);
        GradCheck.Report r = GradCheck.check(RICHARDSON, v -> Ops.sum(Ops.add(Ops.pow(v[0], 3), Ops.pow(v[0], 5))), x);
        Tensor n = r.input(0).numericGradient();
        for (int i = 0; i < x.size(); i++) {
            double xi = x.getFlat(i);
            double want = 3 * xi * xi + 5 * xi * xi * xi * xi;
            assertEquals(want, n.getFlat(i), 1e-12 * Math.abs(want));
        }
        assertTrue(r.maxRelativeError() < 1e-12, r::toString);
    }

    /** The first steps of log near 0 leave its domain (NaN); the smaller ones still resolve the derivative. */
    @Test
    void stepsThatLeaveTheDomainAreSkipped() {
        Tensor x = Tensor.vector(0.04, 0.05, 0.3);
        GradCheck.check(RICHARDSON, v -> Ops.log(v[0]), x).assertClose(1e-9);
    }

    @Test
    void theFailureMessageNamesTheScheme() {
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.check(RICHARDSON,
                v -> Ops.scaleGrad(Ops.exp(v[0]), PLANTED), Tensor.vector(0.5, 1.0)).assertClose(1e-9));
        assertTrue(e.getMessage().contains("Richardson-extrapolated"), e.getMessage());
        assertEquals(GradCheck.Scheme.CENTRAL, GradCheck.options().scheme());
        assertTrue(RICHARDSON.toString().contains("scheme=RICHARDSON"), RICHARDSON.toString());
        assertThrows(IllegalArgumentException.class, () -> GradCheck.options().withScheme(null));
    }
}
