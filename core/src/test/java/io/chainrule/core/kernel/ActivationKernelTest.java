package io.chainrule.core.kernel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationKernelTest {

    private static final ActivationKernel SCALAR = new ScalarActivations();

    /** Distance in units in the last place between two finite doubles of the same sign. */
    private static long ulps(double a, double b) {
        if (a == b) {
            return 0;
        }
        long x = Double.doubleToLongBits(a);
        long y = Double.doubleToLongBits(b);
        if ((x < 0) != (y < 0)) {
            return Long.MAX_VALUE;
        }
        return Math.abs(x - y);
    }

    @Property(tries = 2000)
    void expIsWithinTwoUlpOfStrictMath(@ForAll @DoubleRange(min = -708, max = 709) double x) {
        double got = ScalarActivations.exp(x);
        double want = StrictMath.exp(x);
        assertTrue(ulps(got, want) <= 2, () -> "exp(" + x + ") = " + got + ", StrictMath " + want);
    }

    @Property(tries = 2000)
    void tanhIsWithinFourUlpOfStrictMath(@ForAll @DoubleRange(min = -30, max = 30) double x) {
        double got = ScalarActivations.tanh(x);
        double want = StrictMath.tanh(x);
        assertTrue(ulps(got, want) <= 4, () -> "tanh(" + x + ") = " + got + ", StrictMath " + want);
    }

    @Property(tries = 1000)
    void tanhIsAccurateNearZero(@ForAll @DoubleRange(min = -1e-3, max = 1e-3, maxIncluded = true) @net.jqwik.api.constraints.Scale(20) double x) {
        double got = ScalarActivations.tanh(x);
        double want = StrictMath.tanh(x);
        assertTrue(ulps(got, want) <= 2, () -> "tanh(" + x + ") = " + got + ", StrictMath " + want);
    }

    @Property(tries = 1000)
    void sigmoidHasSmallRelativeError(@ForAll @DoubleRange(min = -700, max = 700) double x) {
        double got = ScalarActivations.sigmoid(x);
        double want = 1.0 / (1.0 + StrictMath.exp(-x));
        assertTrue(Math.abs(got - want) <= 4e-16 * want, () -> "sigmoid(" + x + ") = " + got + ", want " + want);
    }

    @Test
    void specialValues() {
        assertEquals(Double.POSITIVE_INFINITY, ScalarActivations.exp(710));
        assertEquals(Double.POSITIVE_INFINITY, ScalarActivations.exp(Double.POSITIVE_INFINITY));
        assertEquals(0.0, ScalarActivations.exp(-746));
        assertEquals(0.0, ScalarActivations.exp(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(ScalarActivations.exp(Double.NaN)));
        assertEquals(1.0, ScalarActivations.exp(0.0));
        // subnormal results stay close to the true value
        double sub = ScalarActivations.exp(-740);
        assertTrue(Math.abs(sub - StrictMath.exp(-740)) <= 2 * Math.ulp(StrictMath.exp(-740)));
        assertEquals(1.0, ScalarActivations.tanh(400));
        assertEquals(-1.0, ScalarActivations.tanh(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(ScalarActivations.tanh(Double.NaN)));
        assertEquals(0.0, ScalarActivations.sigmoid(-1000));
        assertEquals(1.0, ScalarActivations.sigmoid(1000));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(ScalarActivations.tanh(-0.0)));
    }

    /** The kernel in use (vector when the module is present) equals the scalar kernel bit for bit. */
    @Property(tries = 200)
    void activeKernelEqualsScalarBitwise(@ForAll @IntRange(min = 0, max = 67) int n,
                                         @ForAll @IntRange(min = 0, max = 3) int offset,
                                         @ForAll long seed) {
        Random r = new Random(seed);
        double[] x = new double[n + offset];
        for (int i = 0; i < x.length; i++) {
            switch (r.nextInt(4)) {
                case 0: x[i] = r.nextGaussian(); break;
                case 1: x[i] = (r.nextDouble() - 0.5) * 2000; break;
                case 2: x[i] = (r.nextDouble() - 0.5) * 1.3; break;
                default: x[i] = new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, 0.625, -0.625, 709.9, -745.5}[r.nextInt(9)];
            }
        }
        ActivationKernel active = Kernels.activations();
        for (String f : new String[] {"exp", "tanh", "sigmoid"}) {
            double[] want = new double[n];
            double[] got = new double[n];
            apply(SCALAR, f, x, offset, want, n);
            apply(active, f, x, offset, got, n);
            for (int i = 0; i < n; i++) {
                int j = i;
                assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
                        () -> f + "(" + x[offset + j] + "): scalar " + want[j] + ", " + active.name() + " " + got[j]);
            }
        }
    }

    @Test
    void kernelChoiceMatchesTheJvm() {
        String name = Kernels.activations().name();
        if (Kernels.VECTOR_MODULE_PRESENT && !"scalar".equals(System.getProperty("chainrule.kernels"))) {
            assertTrue(name.startsWith("vector"), name);
        } else {
            assertEquals("scalar", name);
        }
    }

    private static void apply(ActivationKernel k, String f, double[] x, int off, double[] y, int n) {
        switch (f) {
            case "exp": k.exp(x, off, y, 0, n); break;
            case "tanh": k.tanh(x, off, y, 0, n); break;
            default: k.sigmoid(x, off, y, 0, n);
        }
    }
}
