package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;

/** {@code y = -x}. Backward: {@code dx = -g}. Saves nothing. */
public final class Neg extends Op {
    private Neg(Var x) {
        super("neg", x);
    }

    public static Var apply(Var x) {
        return new Neg(x).output(x.value().neg());
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, grads.output().neg());
    }
}
