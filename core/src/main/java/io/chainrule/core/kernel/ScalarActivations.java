package io.chainrule.core.kernel;

/**
 * Portable exp, tanh and sigmoid built from additions, multiplications, fused multiply-adds and
 * bit manipulation only (no {@code Math.exp}, whose compiled intrinsic and interpreted forms may
 * not agree with a vectorized one).
 *
 * <p><b>exp(x).</b> Clamp x to [-746, 710] (beyond it the result is 0 or +inf anyway; NaN
 * propagates). Write x = k ln2 + r with k = round(x / ln2) obtained with the 1.5·2^52 shifter, and
 * r computed by Cody–Waite reduction with a two-part ln2 using fused multiply-adds, so |r| ≤ ln2/2.
 * exp(r) is the degree-13 Taylor polynomial (truncation error below 4e-18 relative), evaluated by
 * Horner's rule with fma. The result is p · 2^k1 · 2^k2 with k1 = k/2, k2 = k - k1, which handles
 * the subnormal and overflow ranges without special cases. Measured accuracy: within 2 ulp of
 * {@code StrictMath.exp} on [-745, 709] (see the kernel tests).
 *
 * <p><b>tanh(x).</b> With a = |x|: for a &gt; 0.625, (e - 1)/(e + 1) with e = exp(2 min(a, 20)); otherwise
 * the Cephes rational form a + a·s·P(s)/Q(s), s = a², which avoids cancellation near 0 (one
 * division serves both branches); then the sign of x is copied onto the result, so tanh is exactly
 * odd (tanh(-0) = -0).
 *
 * <p><b>sigmoid(x)</b> = 1/(1 + exp(-x)).
 */
public final class ScalarActivations implements ActivationKernel {

    static final double LOG2E = 1.4426950408889634;
    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;
    static final double SHIFTER = 6755399441055744.0; // 1.5 * 2^52: adding it rounds to an integer
    static final double EXP_MIN = -746.0;
    static final double EXP_MAX = 710.0;

    /** 1/n! for n = 13 down to 0: Horner order. */
    static final double[] EXP_POLY = {
        1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
        1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0
    };

    static final double TANH_SMALL = 0.625;
    /** Beyond 20, tanh rounds to ±1 (1 - tanh(20) is 8.5e-18 &lt; ulp(1)/2); capping keeps exp(2a) finite. */
    static final double TANH_SATURATED = 20.0;
    static final double TANH_P0 = -9.64399179425052238628E-1;
    static final double TANH_P1 = -9.92877231001918586564E1;
    static final double TANH_P2 = -1.61468768441708447952E3;
    static final double TANH_Q0 = 1.12811678491632931402E2;
    static final double TANH_Q1 = 2.23548839060100448583E3;
    static final double TANH_Q2 = 4.84406305325125486048E3;

    @Override
    public String name() {
        return "scalar";
    }

    /** exp(x) as described in the class comment. */
    public static double exp(double x) {
        double xc = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        double kd = Math.fma(xc, LOG2E, SHIFTER);
        long k = Double.doubleToRawLongBits(kd) - Double.doubleToRawLongBits(SHIFTER);
        double kn = SHIFTER - kd; // -k, exactly
        double r = Math.fma(kn, LN2_HI, xc);
        r = Math.fma(kn, LN2_LO, r);
        double p = EXP_POLY[0];
        for (int i = 1; i < EXP_POLY.length; i++) {
            p = Math.fma(p, r, EXP_POLY[i]);
        }
        long k1 = k >> 1;
        long k2 = k - k1;
        double s1 = Double.longBitsToDouble((k1 + 1023) << 52);
        double s2 = Double.longBitsToDouble((k2 + 1023) << 52);
        return p * s1 * s2;
    }

    /** tanh(x) as described in the class comment. */
    public static double tanh(double x) {
        double ax = Math.abs(x);
        double a20 = Math.min(ax, TANH_SATURATED);
        double e = exp(a20 + a20);
        double s = ax * ax;
        boolean large = ax > TANH_SMALL;
        // one division serves both branches: (e - 1)/(e + 1) for large |x|, P(s)/Q(s) for small
        double num = large ? e - 1.0 : (TANH_P0 * s + TANH_P1) * s + TANH_P2;
        double den = large ? e + 1.0 : ((s + TANH_Q0) * s + TANH_Q1) * s + TANH_Q2;
        double q = num / den;
        double v = large ? q : ax + ax * s * q;
        return Math.copySign(v, x);
    }

    /** 1/(1 + exp(-x)). */
    public static double sigmoid(double x) {
        return 1.0 / (1.0 + exp(-x));
    }

    @Override
    public void exp(double[] x, int xOff, double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = exp(x[xOff + i]);
        }
    }

    @Override
    public void tanh(double[] x, int xOff, double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = tanh(x[xOff + i]);
        }
    }

    @Override
    public void sigmoid(double[] x, int xOff, double[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = sigmoid(x[xOff + i]);
        }
    }

}
