package io.chainrule.autodiff.optim;

import io.chainrule.core.Tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions for values computed by the code under test and by an independent formula in the test. */
final class Ulps {
    private Ulps() {
    }

    /** |expected - actual| ≤ 4 ulp(expected): the same formula up to rounding order. */
    static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) <= 4 * Math.ulp(expected),
                () -> what + ": expected " + expected + ", got " + actual);
    }

    static void assertClose(double[] expected, Tensor actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual.getFlat(i), what + "[" + i + "]");
        }
    }
}
