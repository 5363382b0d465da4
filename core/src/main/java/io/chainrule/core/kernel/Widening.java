package io.chainrule.core.kernel;

/** float32 ranges to float64 and back, for kernels that compute float values with the float64 formulas. */
final class Widening {
    private Widening() {
    }

    static double[] widen(float[] x, int off, int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = x[off + i];
        }
        return t;
    }

    static void narrow(double[] t, float[] y, int off, int n) {
        for (int i = 0; i < n; i++) {
            y[off + i] = (float) t[i];
        }
    }
}
