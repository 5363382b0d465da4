package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;

/** The same elements in a new shape (a view). Backward: the gradient reshaped back. Saves nothing. */
public final class Reshape extends Op {
    private final int[] inShape;

    private Reshape(Var x) {
        super("reshape", x);
        this.inShape = x.shape();
    }

    public static Var apply(Var x, int... shape) {
        return new Reshape(x).output(x.value().reshape(shape));
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, grads.output().reshape(inShape));
    }
}
