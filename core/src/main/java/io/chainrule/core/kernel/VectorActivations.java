package io.chainrule.core.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static io.chainrule.core.kernel.ScalarActivations.EXP_MAX;
import static io.chainrule.core.kernel.ScalarActivations.EXP_MIN;
import static io.chainrule.core.kernel.ScalarActivations.EXP_POLY;
import static io.chainrule.core.kernel.ScalarActivations.LN2_HI;
import static io.chainrule.core.kernel.ScalarActivations.LN2_LO;
import static io.chainrule.core.kernel.ScalarActivations.LOG2E;
import static io.chainrule.core.kernel.ScalarActivations.SHIFTER;
import static io.chainrule.core.kernel.ScalarActivations.TANH_P0;
import static io.chainrule.core.kernel.ScalarActivations.TANH_P1;
import static io.chainrule.core.kernel.ScalarActivations.TANH_P2;
import static io.chainrule.core.kernel.ScalarActivations.TANH_Q0;
import static io.chainrule.core.kernel.ScalarActivations.TANH_Q1;
import static io.chainrule.core.kernel.ScalarActivations.TANH_Q2;
import static io.chainrule.core.kernel.ScalarActivations.TANH_SMALL;

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

    static DoubleVector exp(DoubleVector x) {
        DoubleVector xc = x.max(EXP_MIN).min(EXP_MAX);
        DoubleVector kd = xc.fma(LOG2E, SHIFTER);
        LongVector k = kd.reinterpretAsLongs().sub(SHIFTER_BITS);
        DoubleVector kn = DoubleVector.broadcast(S, SHIFTER).sub(kd);
        DoubleVector r = kn.fma(DoubleVector.broadcast(S, LN2_HI), xc);
        r = kn.fma(DoubleVector.broadcast(S, LN2_LO), r);
        DoubleVector p = DoubleVector.broadcast(S, EXP_POLY[0]);
        for (int i = 1; i < EXP_POLY.length; i++) {
            p = p.fma(r, DoubleVector.broadcast(S, EXP_POLY[i]));
        }
        LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        LongVector k2 = k.sub(k1);
        DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(s1).mul(s2);
    }

    static DoubleVector tanh(DoubleVector x) {
        DoubleVector ax = x.abs();
        DoubleVector e = exp(ax.add(ax));
        DoubleVector big = DoubleVector.broadcast(S, 1.0).sub(DoubleVector.broadcast(S, 2.0).div(e.add(1.0)));
        DoubleVector s = ax.mul(ax);
        DoubleVector num = s.mul(TANH_P0).add(TANH_P1).mul(s).add(TANH_P2);
        DoubleVector den = s.add(TANH_Q0).mul(s).add(TANH_Q1).mul(s).add(TANH_Q2);
        DoubleVector small = ax.add(ax.mul(s).mul(num.div(den)));
        DoubleVector v = small.blend(big, ax.compare(VectorOperators.GT, TANH_SMALL));
        // copy the sign of x onto v (Math.copySign, lane by lane)
        LongVector sign = x.reinterpretAsLongs().and(Long.MIN_VALUE);
        return v.reinterpretAsLongs().and(Long.MAX_VALUE).or(sign).reinterpretAsDoubles();
    }

    @Override
    public void exp(double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            exp(DoubleVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = ScalarActivations.exp(x[xOff + i]);
        }
    }

    @Override
    public void tanh(double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            tanh(DoubleVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = ScalarActivations.tanh(x[xOff + i]);
        }
    }

    @Override
    public void sigmoid(double[] x, int xOff, double[] y, int yOff, int n) {
        int i = 0;
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i);
            one.div(one.add(exp(v.neg()))).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = ScalarActivations.sigmoid(x[xOff + i]);
        }
    }
}
