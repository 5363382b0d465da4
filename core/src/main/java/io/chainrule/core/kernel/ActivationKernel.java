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

    /** A short name for reports ("vector", "scalar"). */
    String name();
}
