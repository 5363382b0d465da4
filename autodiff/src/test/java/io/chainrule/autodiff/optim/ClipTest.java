package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.chainrule.autodiff.optim.SgdTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipTest {

    /**
     * Gradients of one to five tensors of one to six elements, all scaled by 10^exponent with
     * exponent in [-300, 300] (so a naive sum of squares over- or underflows for many of them), and
     * the ratio maxNorm / norm to clip with (below and above 1).
     */
    record GradientSet(List<double[]> grads, int exponent, double ratio) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("exponent " + exponent + ", ratio " + ratio + ":");
            for (double[] g : grads) {
                sb.append(' ').append(Arrays.toString(g));
            }
            return sb.toString();
        }
    }

    @Provide
    Arbitrary<GradientSet> gradientSets() {
        Arbitrary<Double> element = Combinators.combine(
                Arbitraries.doubles().between(-1, 1), Arbitraries.integers().between(-4, 4))
                .as((m, k) -> m * Math.pow(10, k));
        Arbitrary<double[]> tensor = element.list().ofMinSize(1).ofMaxSize(6)
                .map(l -> l.stream().mapToDouble(Double::doubleValue).toArray());
        return Combinators.combine(tensor.list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.integers().between(-300, 300), Arbitraries.doubles().between(0.01, 2))
                .as((gs, e, r) -> {
                    double scale = Math.pow(10, e);
                    List<double[]> scaled = new ArrayList<>();
                    for (double[] g : gs) {
                        scaled.add(Arrays.stream(g).map(x -> x * scale).toArray());
                    }
                    return new GradientSet(scaled, e, r);
                });
    }

    /** Parameters holding the gradients, plus one without a gradient (which clipping must skip). */
    private static List<Var> withGradients(List<double[]> grads) {
        List<Var> params = new ArrayList<>();
        for (double[] g : grads) {
            Var p = Var.param(Tensor.zeros(g.length));
            p.setGrad(Tensor.vector(g));
            params.add(p);
        }
        params.add(Var.param(Tensor.zeros(2), "noGradient"));
        return params;
    }

    /** The exact L2 norm of all gradients (exact sum of squares in BigDecimal, then a 40-digit sqrt). */
    private static double exactNorm(List<Var> params) {
        BigDecimal s = BigDecimal.ZERO;
        for (Var p : params) {
            if (p.grad() != null) {
                for (double x : p.grad().toArray()) {
                    BigDecimal b = new BigDecimal(x);
                    s = s.add(b.multiply(b));
                }
            }
        }
        return s.sqrt(new MathContext(40)).doubleValue();
    }

    private static void assertRelative(double want, double got, double tol, String what) {
        assertTrue(Math.abs(got - want) <= tol * want, () -> what + ": want " + want + ", got " + got);
    }

    @Property(tries = 500)
    void clipGradNormReturnsThePreClipNormAccurately(@ForAll("gradientSets") GradientSet set) {
        List<Var> params = withGradients(set.grads());
        double want = exactNorm(params);
        double got = Clip.clipGradNorm(params, Double.POSITIVE_INFINITY);
        assertRelative(want, got, 1e-14, "norm of " + set);
        double again = Clip.clipGradNorm(params, want * set.ratio());
        assertEquals(got, again, 0.0, "the norm returned while clipping is the one before clipping");
    }

    @Property(tries = 500)
    void theClippedNormIsMaxNormUpToTheDocumentedEpsilon(@ForAll("gradientSets") GradientSet set) {
        List<Var> params = withGradients(set.grads());
        double maxNorm = exactNorm(params) * set.ratio();
        double norm = Clip.clipGradNorm(params, maxNorm);
        double clipped = exactNorm(params);
        if (norm > maxNorm) {
            double c = maxNorm / (norm + 1e-6);
            for (int i = 0; i < set.grads().size(); i++) {
                double[] before = set.grads().get(i);
                double[] after = params.get(i).grad().toArray();
                for (int k = 0; k < before.length; k++) {
                    assertEquals(before[k] * c, after[k], 0.0, "element " + k + " of gradient " + i);
                }
            }
            // ‖g‖·c = maxNorm·‖g‖/(‖g‖ + 1e-6): maxNorm up to a relative 1e-6/‖g‖, plus rounding
            // (checked where the clipped elements are normal doubles; for tiny norms g·c underflows)
            double want = maxNorm * norm / (norm + 1e-6);
            if (want > 1e-290) {
                assertRelative(want, clipped, 1e-14, "clipped norm");
                assertTrue(Math.abs(clipped - maxNorm) <= maxNorm * (1e-6 / norm + 1e-14),
                        () -> "clipped norm " + clipped + " vs maxNorm " + maxNorm);
            }
        } else {
            for (int i = 0; i < set.grads().size(); i++) {
                assertTrue(Arrays.equals(set.grads().get(i), params.get(i).grad().toArray()), "untouched");
            }
        }
        assertNull(params.get(params.size() - 1).grad());
    }

    @Test
    void aThreeFourFiveExample() {
        Var a = Var.param(Tensor.vector(0, 0));
        Var b = Var.param(Tensor.scalar(0));
        a.setGrad(Tensor.vector(3, 0));
        b.setGrad(Tensor.scalar(4));
        assertEquals(5.0, Clip.clipGradNorm(List.of(a, b), 1.0));
        double c = 1.0 / (5.0 + 1e-6);
        assertEquals(3 * c, a.grad().getFlat(0), 0.0);
        assertEquals(4 * c, b.grad().item(), 0.0);
        // below the bound: untouched
        assertEquals(5 * c, Clip.clipGradNorm(List.of(a, b), 1.0), 1e-15);
        assertEquals(3 * c, a.grad().getFlat(0), 0.0);
    }

    @Test
    void theNormNeitherOverflowsNorUnderflows() {
        Var big = Var.param(Tensor.zeros(2));
        big.setGrad(Tensor.vector(3e200, 4e200));
        assertEquals(5e200, Clip.clipGradNorm(List.of(big), Double.POSITIVE_INFINITY), 1e186);
        Var tiny = Var.param(Tensor.zeros(1000));
        tiny.setGrad(Tensor.full(1e-170, 1000));
        assertEquals(Math.sqrt(1000) * 1e-170, Clip.clipGradNorm(List.of(tiny), 1.0), 1e-184);
    }

    @Test
    void nonFiniteGradientsGiveANonFiniteNormAndAreLeftUntouched() {
        Var a = Var.param(Tensor.vector(0, 0));
        Var b = Var.param(Tensor.vector(0, 0));
        a.setGrad(Tensor.vector(3, 4));
        b.setGrad(Tensor.vector(Double.NaN, 1));
        assertTrue(Double.isNaN(Clip.clipGradNorm(List.of(a, b), 1.0)));
        assertTrue(a.grad().bitwiseEquals(Tensor.vector(3, 4)));
        assertTrue(b.grad().bitwiseEquals(Tensor.vector(Double.NaN, 1)));

        b.setGrad(Tensor.vector(Double.NEGATIVE_INFINITY, 1));
        assertEquals(Double.POSITIVE_INFINITY, Clip.clipGradNorm(List.of(a, b), 1.0));
        assertTrue(a.grad().bitwiseEquals(Tensor.vector(3, 4)));
        assertTrue(b.grad().bitwiseEquals(Tensor.vector(Double.NEGATIVE_INFINITY, 1)));
    }

    @Test
    void noGradientsHaveNormZero() {
        assertEquals(0.0, Clip.clipGradNorm(List.of(), 1.0));
        assertEquals(0.0, Clip.clipGradNorm(List.of(Var.param(Tensor.scalar(1))), 1.0));
    }

    @Test
    void clipGradValueClampsEachElement() {
        Var a = Var.param(Tensor.zeros(6));
        Var b = Var.param(Tensor.zeros(1));
        a.setGrad(Tensor.vector(-3, 0.5, 2, Double.NaN, Double.NEGATIVE_INFINITY, -1));
        Tensor aGrad = a.grad();
        Clip.clipGradValue(List.of(a, b), 1.0);
        assertTrue(a.grad().bitwiseEquals(Tensor.vector(-1, 0.5, 1, Double.NaN, -1, -1)), a.grad().toString());
        assertSame(aGrad, a.grad(), "clamped in place");
        assertNull(b.grad());
    }

    @Test
    void invalidArgumentsAreNamed() {
        Var p = Var.param(Tensor.scalar(1), "p");
        assertMessage(() -> Clip.clipGradNorm(List.of(p), -1), "maxNorm", "-1.0");
        assertMessage(() -> Clip.clipGradNorm(List.of(p), Double.NaN), "maxNorm", "NaN");
        assertMessage(() -> Clip.clipGradValue(List.of(p), -0.5), "clipValue", "-0.5");
        assertMessage(() -> Clip.clipGradValue(List.of(p), Double.NaN), "clipValue", "NaN");
        assertMessage(() -> Clip.clipGradNorm(null, 1), "clipGradNorm", "params");
        assertMessage(() -> Clip.clipGradNorm(List.of(p, p), 1), "params[0] and params[1]", "'p'");
    }
}
