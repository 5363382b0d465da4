package io.chainrule.core.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static io.chainrule.core.kernel.ScalarActivations.EXP_MAX;
import static io.chainrule.core.kernel.ScalarActivations.EXP_MIN;
import static io.chainrule.core.kernel.ScalarActivations.EXPM1_POLY;
import static io.chainrule.core.kernel.ScalarActivations.EXP_POLY;
import static io.chainrule.core.kernel.ScalarActivations.LN2_HI;
import static io.chainrule.core.kernel.ScalarActivations.LN2_LO;
import static io.chainrule.core.kernel.ScalarActivations.LOG2E;
import static io.chainrule.core.kernel.ScalarActivations.SHIFTER;
import static io.chainrule.core.kernel.ScalarActivations.TANH_SATURATED;

/**
 * The Vector API form of {@link ScalarActivations}: the same operations lane by lane, so results
 * are bitwise identical to the scalar kernel. Tails shorter than a vector use the scalar code.
 * Loaded only when the {@code jdk.incubator.vector} module is present (see {@link Kernels}).
 *
 * <p>float32 ranges go through the same float64 code, as the interface defaults say, a chunk at a
 * time: each float vector is widened into two double vectors (its low and high halves; the
 * preferred float species has twice the lanes of the double one) into a per-thread buffer of
 * {@link #CHUNK} doubles, the float64 loop runs over the buffer, and the results are rounded to
 * float once and joined again into float vectors. Each element is {@code (float) f((double) x)},
 * bitwise the default, and nothing is allocated (the default allocates two arrays a call).
 *
 * <p>Why through a buffer rather than in registers: a loop body that takes its two double vectors
 * either from doubles or from a float vector merges vector values of two origins, and the JIT
 * then sometimes keeps them as heap objects, one per step (measured: 12 KB allocated per call of
 * 4096 elements, in some runs and not in others); one loop per precision would repeat each formula
 * twice more. The widening and narrowing loops have one path each, and the buffer stays in the
 * first-level cache: the float functions cost 1.2 to 1.35 times the double ones per element
 * (1.1 to 1.25 ns against 0.85 to 1.0 on 8192 elements of [-3, 3], AVX-512), the interface
 * defaults about 1.6 to 2.0. For the same reason each function has its own loop, with no vector
 * value chosen between two. Only the preferred species are used: a second species of
 * {@code FloatVector} in the JVM makes the JIT give up on keeping vectors in registers in the
 * product kernels, which then ran a quarter slower.
 */
final class VectorActivations implements ActivationKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
    /** Floats widened at a time (a multiple of the float lanes): 4 KiB of doubles, in the first-level cache. */
    static final int CHUNK = 512;
    /** Each thread's buffer of widened floats. */
    private static final ThreadLocal<double[]> WIDENED = ThreadLocal.withInitial(() -> new double[CHUNK]);

    static {
        if (F.length() != 2 * S.length() || CHUNK % F.length() != 0) {
            throw new ExceptionInInitializerError("preferred float species " + F + " is not twice " + S);
        }
    }

    @Override
    public String name() {
        return "vector(" + S.length() + " lanes)";
    }

    private static final int EXP = 0;
    private static final int TANH = 1;
    private static final int SIGMOID = 2;

    @Override
    public void exp(double[] x, int xOff, double[] y, int yOff, int n) {
        int done = apply(EXP, x, xOff, y, yOff, n);
        for (int i = done; i < n; i++) {
            y[yOff + i] = ScalarActivations.exp(x[xOff + i]);
        }
    }

    @Override
    public void tanh(double[] x, int xOff, double[] y, int yOff, int n) {
        int done = apply(TANH, x, xOff, y, yOff, n);
        for (int i = done; i < n; i++) {
            y[yOff + i] = ScalarActivations.tanh(x[xOff + i]);
        }
    }

    @Override
    public void sigmoid(double[] x, int xOff, double[] y, int yOff, int n) {
        int done = apply(SIGMOID, x, xOff, y, yOff, n);
        for (int i = done; i < n; i++) {
            y[yOff + i] = ScalarActivations.sigmoid(x[xOff + i]);
        }
    }

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        applyToFloats(EXP, x, xOff, y, yOff, n);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        applyToFloats(TANH, x, xOff, y, yOff, n);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        applyToFloats(SIGMOID, x, xOff, y, yOff, n);
    }

    /**
     * {@code y[i] = (float) f((double) x[i])} a chunk at a time through this thread's buffer (see
     * the class comment); the elements after the last whole float vector with the scalar code.
     */
    private static void applyToFloats(int function, float[] x, int xOff, float[] y, int yOff, int n) {
        double[] t = WIDENED.get();
        int whole = F.loopBound(n);
        for (int start = 0; start < whole; start += CHUNK) {
            int count = Math.min(CHUNK, whole - start);
            widen(x, xOff + start, t, count);
            apply(function, t, 0, t, 0, count);
            narrow(t, y, yOff + start, count);
        }
        for (int i = whole; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (function == TANH ? ScalarActivations.tanh(v)
                    : function == EXP ? ScalarActivations.exp(v) : ScalarActivations.sigmoid(v));
        }
    }

    /** {@code t[i] = x[xOff + i]} for {@code i < count}, a multiple of the float lanes: each float vector's halves as two double vectors. */
    private static void widen(float[] x, int xOff, double[] t, int count) {
        int half = S.length();
        for (int i = 0; i < count; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            ((DoubleVector) v.convertShape(VectorOperators.F2D, S, 0)).intoArray(t, i);
            ((DoubleVector) v.convertShape(VectorOperators.F2D, S, 1)).intoArray(t, i + half);
        }
    }

    /**
     * {@code y[yOff + i] = (float) t[i]} for {@code i < count}, a multiple of the float lanes: two
     * double vectors rounded into the low and high halves of a float vector, their bits or-ed
     * (each half is zero where the other has values; a blend with a constant mask made a mask
     * object on every call).
     */
    private static void narrow(double[] t, float[] y, int yOff, int count) {
        int half = S.length();
        for (int i = 0; i < count; i += F.length()) {
            FloatVector low = (FloatVector) DoubleVector.fromArray(S, t, i).convertShape(VectorOperators.D2F, F, 0);
            FloatVector high = (FloatVector) DoubleVector.fromArray(S, t, i + half).convertShape(VectorOperators.D2F, F, -1);
            low.reinterpretAsInts().or(high.reinterpretAsInts()).reinterpretAsFloats().intoArray(y, yOff + i);
        }
    }

    /**
     * The whole-vector part of a function, {@link #TANH}, {@link #EXP} or {@link #SIGMOID}.
     * Returns how many elements it did.
     */
    private static int apply(int function, double[] x, int xOff, double[] y, int yOff, int n) {
        if (function == TANH) {
            return tanhVectors(x, xOff, y, yOff, n);
        }
        return function == EXP ? expVectors(x, xOff, y, yOff, n) : sigmoidVectors(x, xOff, y, yOff, n);
    }

    /*
     * One method per function, each with the lane computation written out in its loop body:
     * nothing of ours needs to be inlined for the JIT to turn the Vector API calls into vector
     * instructions (a helper method that the JIT declines to inline makes every vector a heap
     * object), and no vector value is chosen between two (one method for the three functions,
     * with "out = function == EXP ? e : ...", sometimes compiled into a heap object per vector at
     * that choice: 12 bytes an element, in some runs of the same program and not in others).
     */

    /** tanh on whole vectors: see {@link ScalarActivations#tanh(double)}, operation for operation. */
    private static int tanhVectors(double[] x, int xOff, double[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i);
            DoubleVector a20 = v.abs().min(TANH_SATURATED);
            DoubleVector twice = a20.add(a20);
            DoubleVector kd = twice.fma(LOG2E, -0.5).add(SHIFTER);
            LongVector k = kd.reinterpretAsLongs().sub(SHIFTER_BITS);
            DoubleVector kn = DoubleVector.broadcast(S, SHIFTER).sub(kd);
            DoubleVector r = kn.fma(DoubleVector.broadcast(S, LN2_HI), twice);
            r = kn.fma(DoubleVector.broadcast(S, LN2_LO), r);
            DoubleVector hi = DoubleVector.broadcast(S, EXPM1_POLY[0]);
            DoubleVector lo = DoubleVector.broadcast(S, EXPM1_POLY[8]);
            for (int c = 1; c < 8; c++) {
                hi = hi.fma(r, DoubleVector.broadcast(S, EXPM1_POLY[c]));
                lo = lo.fma(r, DoubleVector.broadcast(S, EXPM1_POLY[8 + c]));
            }
            DoubleVector r2 = r.mul(r);
            DoubleVector r4 = r2.mul(r2);
            DoubleVector p = hi.fma(r4.mul(r4), lo);
            DoubleVector q = r2.fma(p, r);
            DoubleVector s = k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector m = s.fma(q, s.sub(1.0));
            DoubleVector mag = m.div(m.add(2.0));
            // copy the sign of v onto the magnitude (Math.copySign, lane by lane)
            LongVector sign = v.reinterpretAsLongs().and(Long.MIN_VALUE);
            mag.reinterpretAsLongs().and(Long.MAX_VALUE).or(sign).reinterpretAsDoubles().intoArray(y, yOff + i);
        }
        return bound;
    }

    /** exp on whole vectors: see {@link ScalarActivations#exp(double)}, operation for operation. */
    private static int expVectors(double[] x, int xOff, double[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector xc = DoubleVector.fromArray(S, x, xOff + i).max(EXP_MIN).min(EXP_MAX);
            DoubleVector kd = xc.fma(LOG2E, SHIFTER);
            LongVector k = kd.reinterpretAsLongs().sub(SHIFTER_BITS);
            DoubleVector kn = DoubleVector.broadcast(S, SHIFTER).sub(kd);
            DoubleVector r = kn.fma(DoubleVector.broadcast(S, LN2_HI), xc);
            r = kn.fma(DoubleVector.broadcast(S, LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(S, EXP_POLY[0]);
            for (int c = 1; c < EXP_POLY.length; c++) {
                p = p.fma(r, DoubleVector.broadcast(S, EXP_POLY[c]));
            }
            LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            LongVector k2 = k.sub(k1);
            DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(s1).mul(s2).intoArray(y, yOff + i);
        }
        return bound;
    }

    /**
     * 1/(1 + exp(-x)) on whole vectors, as {@link ScalarActivations#sigmoid(double)}: exp(-x) as
     * {@link #expVectors} into y, then the quotient over y. (Two passes, each the shape of the
     * others: in one, the JIT now and then kept a vector a step as a heap object.)
     */
    private static int sigmoidVectors(double[] x, int xOff, double[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector xc = DoubleVector.fromArray(S, x, xOff + i).neg().max(EXP_MIN).min(EXP_MAX);
            DoubleVector kd = xc.fma(LOG2E, SHIFTER);
            LongVector k = kd.reinterpretAsLongs().sub(SHIFTER_BITS);
            DoubleVector kn = DoubleVector.broadcast(S, SHIFTER).sub(kd);
            DoubleVector r = kn.fma(DoubleVector.broadcast(S, LN2_HI), xc);
            r = kn.fma(DoubleVector.broadcast(S, LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(S, EXP_POLY[0]);
            for (int c = 1; c < EXP_POLY.length; c++) {
                p = p.fma(r, DoubleVector.broadcast(S, EXP_POLY[c]));
            }
            LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
            LongVector k2 = k.sub(k1);
            DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(s1).mul(s2).intoArray(y, yOff + i);
        }
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector one = DoubleVector.broadcast(S, 1.0);
            one.div(one.add(DoubleVector.fromArray(S, y, yOff + i))).intoArray(y, yOff + i);
        }
        return bound;
    }
}
