package io.chainrule.autodiff;

/**
 * An elementwise function applied to a product as it is made (see
 * {@link Ops#addMatMul(Var, Var, boolean, Var, boolean, Activation)}): the activation writes over
 * the product's own buffer, where a separate op would allocate a second one, and its derivative
 * needs only the output.
 */
public enum Activation {
    /** No function: the product itself. */
    IDENTITY,
    /** {@code tanh(z)}; derivative {@code 1 - y²}. */
    TANH,
    /** {@code 1 / (1 + e^{-z})}; derivative {@code y (1 - y)}. */
    SIGMOID
}
