package io.chainrule.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Floating-point rounding: the error bound of a sum, and equality to the last bit. */
final class Rounding {
    private Rounding() {
    }

    /** Unit roundoff of float64, 2^-53. */
    static final double U = 0x1p-53;

    /**
     * gamma(n) = n u / (1 - n u): a sum of n terms, each a rounded product or not, added in any
     * order with any mix of fused multiply-adds, is within gamma(n) * sum |term| of the exact sum
     * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., sec. 3.1 and 3.5).
     */
    static double gamma(int n) {
        double nu = n * U;
        return nu / (1 - nu);
    }

    /** Equal bit patterns, except that all NaNs count as equal. */
    static void assertSameBits(double want, double got, String where) {
        assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got),
                () -> where + ": want " + want + ", got " + got);
    }
}
