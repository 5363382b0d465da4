package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** {@code y = exp(x)}. Backward: {@code dx = g ⊙ y}. Saves y. */
public final class Exp extends Op {
    private Exp(Var x, Tensor y) {
        super("exp", x);
        save(y);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().exp();
        return new Exp(x, y).output(y);
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, grads.output().mul(saved(0)));
    }
}
