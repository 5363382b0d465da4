package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** The same elements in a new shape (a view). Backward: the gradient reshaped back. Saves nothing. */
public final class Reshape extends Node {
    private final int[] inShape;

    private Reshape(Var x) {
        super("reshape", x);
        this.inShape = x.shape();
    }

    public static Var apply(Var x, int... shape) {
        Tensor y = x.value().reshape(shape);
        return recording(x) ? new Reshape(x).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.reshape(inShape)};
    }
}
