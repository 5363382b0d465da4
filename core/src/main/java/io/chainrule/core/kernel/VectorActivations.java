package io.chainrule.core.kernel;

import jdk.incubator.vector.DoubleVector;
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
 */
final class VectorActivations implements ActivationKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);

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

    /**
     * The whole-vector part of the three functions, in one method with the lane computation
     * written out in the loop body: nothing of ours needs to be inlined for the JIT to turn the
     * Vector API calls into vector instructions (a helper method that the JIT declines to inline
     * makes every vector a heap object). Returns how many elements it did.
     */
    private static int apply(int function, double[] x, int xOff, double[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector shifter = DoubleVector.broadcast(S, SHIFTER);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, LN2_HI);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, LN2_LO);
        for (int i = 0; i < bound; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i);
            DoubleVector out;
            if (function == TANH) {
                // see ScalarActivations.tanh, operation for operation
                DoubleVector a20 = v.abs().min(TANH_SATURATED);
                DoubleVector twice = a20.add(a20);
                DoubleVector kd = twice.fma(LOG2E, -0.5).add(SHIFTER);
                LongVector k = kd.reinterpretAsLongs().sub(SHIFTER_BITS);
                DoubleVector kn = shifter.sub(kd);
                DoubleVector r = kn.fma(ln2Hi, twice);
                r = kn.fma(ln2Lo, r);
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
                out = mag.reinterpretAsLongs().and(Long.MAX_VALUE).or(sign).reinterpretAsDoubles();
            } else {
                DoubleVector arg = function == SIGMOID ? v.neg() : v;
                // exp(arg): see ScalarActivations.exp, operation for operation
                DoubleVector xc = arg.max(EXP_MIN).min(EXP_MAX);
                DoubleVector kd = xc.fma(LOG2E, SHIFTER);
                LongVector k = kd.reinterpretAsLongs().sub(SHIFTER_BITS);
                DoubleVector kn = shifter.sub(kd);
                DoubleVector r = kn.fma(ln2Hi, xc);
                r = kn.fma(ln2Lo, r);
                DoubleVector p = DoubleVector.broadcast(S, EXP_POLY[0]);
                for (int c = 1; c < EXP_POLY.length; c++) {
                    p = p.fma(r, DoubleVector.broadcast(S, EXP_POLY[c]));
                }
                LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                LongVector k2 = k.sub(k1);
                DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                DoubleVector e = p.mul(s1).mul(s2);
                out = function == EXP ? e : one.div(one.add(e));
            }
            out.intoArray(y, yOff + i);
        }
        return bound;
    }
}
