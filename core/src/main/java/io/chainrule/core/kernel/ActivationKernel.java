package io.chainrule.core.kernel;

/**
 * Elementwise exp, tanh and logistic sigmoid over {@code double[]} ranges.
 *
 * <p>Every implementation computes exactly the same sequence of IEEE-754 operations per element
 * (see {@link ScalarActivations} for the formulas), so the scalar fallback and the Vector API path
 * give bitwise identical results, and results never depend on whether code runs interpreted or
 * compiled. Source and destination may be the same range (in-place).
 */
public interface ActivationKernel {

    /** {@code y[i] = exp(x[i])} for {@code i < n}. */
    void exp(double[] x, int xOff, double[] y, int yOff, int n);

    /** {@code y[i] = tanh(x[i])} for {@code i < n}. */
    void tanh(double[] x, int xOff, double[] y, int yOff, int n);

    /** {@code y[i] = 1 / (1 + exp(-x[i]))} for {@code i < n}. */
    void sigmoid(double[] x, int xOff, double[] y, int yOff, int n);

    /**
     * {@code y[i] = (float) exp((double) x[i])}: float32 values through the float64 formulas,
     * rounded once (so every implementation gives the same bits, and the error is the rounding to
     * float). This default widens into a temporary array.
     */
    default void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        double[] t = Widening.widen(x, xOff, n);
        exp(t, 0, t, 0, n);
        Widening.narrow(t, y, yOff, n);
    }

    /** {@code y[i] = (float) tanh((double) x[i])}; see {@link #exp(float[], int, float[], int, int)}. */
    default void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        double[] t = Widening.widen(x, xOff, n);
        tanh(t, 0, t, 0, n);
        Widening.narrow(t, y, yOff, n);
    }

    /** {@code y[i] = (float) sigmoid((double) x[i])}; see {@link #exp(float[], int, float[], int, int)}. */
    default void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        double[] t = Widening.widen(x, xOff, n);
        sigmoid(t, 0, t, 0, n);
        Widening.narrow(t, y, yOff, n);
    }

    /** A short name for reports ("vector", "scalar"). */
    String name();
}
