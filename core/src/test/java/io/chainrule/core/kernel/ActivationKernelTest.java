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

    /** Distance in units in the last place between two floats of the same sign (infinity is one past the largest float). */
    private static long floatUlps(float a, float b) {
        if (a == b) {
            return 0;
        }
        int x = Float.floatToIntBits(a);
        int y = Float.floatToIntBits(b);
        if ((x < 0) != (y < 0)) {
            return Long.MAX_VALUE;
        }
        return Math.abs((long) x - y);
    }

    /** Floats of every kind: ordinary, large, tiny, subnormal, any bits at all, and the special values. */
    private static float[] floatArguments(Random r, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            switch (r.nextInt(6)) {
                case 0: x[i] = (float) r.nextGaussian(); break;
                case 1: x[i] = (float) ((r.nextDouble() - 0.5) * 300); break;
                case 2: x[i] = (float) ((r.nextDouble() - 0.5) * 1e-3); break;
                case 3: x[i] = Float.intBitsToFloat(r.nextInt()); break;
                case 4: x[i] = (float) (r.nextGaussian() * 1e-40); break;
                default: x[i] = new float[] {0.0f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                        Float.MIN_VALUE, -Float.MAX_VALUE, 88.72283f, 88.72284f, -87.33655f, -103.97208f, 9.010913f}[r.nextInt(12)];
            }
        }
        return x;
    }

    private static float definition(String f, float x) {
        switch (f) {
            case "exp": return (float) ScalarActivations.exp(x);
            case "tanh": return (float) ScalarActivations.tanh(x);
            default: return (float) ScalarActivations.sigmoid(x);
        }
    }

    /**
     * Every kernel computes each float as the float64 formula on the widened value, rounded once
     * (written out here from {@link ScalarActivations}' scalar functions), bit for bit: at an
     * offset, into another array, and in place.
     */
    @Property(tries = 200)
    void floatActivationsAreTheFloat64FormulasRoundedOnce(@ForAll @IntRange(min = 0, max = 70) int n,
                                                          @ForAll @IntRange(min = 0, max = 3) int offset,
                                                          @ForAll long seed) {
        float[] x = floatArguments(new Random(seed), n + offset);
        for (ActivationKernel kernel : new ActivationKernel[] {SCALAR, Kernels.activations()}) {
            for (String f : new String[] {"exp", "tanh", "sigmoid"}) {
                float[] got = new float[n + 1];
                apply(kernel, f, x, offset, got, 1, n);
                float[] inPlace = x.clone();
                apply(kernel, f, inPlace, offset, inPlace, offset, n);
                for (int i = 0; i < n; i++) {
                    float arg = x[offset + i];
                    float want = definition(f, arg);
                    float out = got[1 + i];
                    float over = inPlace[offset + i];
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(out),
                            () -> kernel.name() + " " + f + "(" + arg + "): " + out + ", the definition gives " + want);
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(over),
                            () -> kernel.name() + " " + f + "(" + arg + ") in place: " + over + ", want " + want);
                }
                assertEquals(0, Float.floatToRawIntBits(got[0]), "element before the destination range");
            }
        }
    }

    /**
     * Within one float ulp of the correctly rounded float of {@code StrictMath}'s value: our float64
     * functions are within a few double ulps of StrictMath's (the properties above), a distance
     * far below one float ulp (2^29 double ulps), and rounding to float is monotonic, so the two
     * roundings land on the same float or on neighbours. (Sigmoid's reference, 1/(1 + exp(-x))
     * in double, is itself within a few double ulps of the exact value, which the same argument
     * covers.)
     */
    @Property(tries = 3000)
    void floatActivationsAreWithinOneFloatUlpOfStrictMath(@ForAll @DoubleRange(min = -110, max = 110) double wide) {
        float x = (float) wide;
        float[] in = {x};
        float[] out = new float[1];
        Kernels.activations().exp(in, 0, out, 0, 1);
        float exp = out[0];
        Kernels.activations().tanh(in, 0, out, 0, 1);
        float tanh = out[0];
        Kernels.activations().sigmoid(in, 0, out, 0, 1);
        float sigmoid = out[0];
        float wantExp = (float) StrictMath.exp(x);
        float wantTanh = (float) StrictMath.tanh(x);
        float wantSigmoid = (float) (1.0 / (1.0 + StrictMath.exp(-(double) x)));
        assertTrue(floatUlps(exp, wantExp) <= 1, () -> "exp(" + x + "f) = " + exp + ", StrictMath " + wantExp);
        assertTrue(floatUlps(tanh, wantTanh) <= 1, () -> "tanh(" + x + "f) = " + tanh + ", StrictMath " + wantTanh);
        assertTrue(floatUlps(sigmoid, wantSigmoid) <= 1,
                () -> "sigmoid(" + x + "f) = " + sigmoid + ", StrictMath " + wantSigmoid);
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

    private static void apply(ActivationKernel k, String f, float[] x, int xOff, float[] y, int yOff, int n) {
        switch (f) {
            case "exp": k.exp(x, xOff, y, yOff, n); break;
            case "tanh": k.tanh(x, xOff, y, yOff, n); break;
            default: k.sigmoid(x, xOff, y, yOff, n);
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
