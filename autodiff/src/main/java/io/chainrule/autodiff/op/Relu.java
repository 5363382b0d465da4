package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** {@code y = max(x, 0)}. Backward: {@code dx = g ⊙ [x > 0]} (0 at the kink). Saves y. */
public final class Relu extends Op {
    private Relu(Var x, Tensor y) {
        super("relu", x);
        save(y);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().relu();
        return new Relu(x, y).output(y);
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, grads.output().wherePositive(saved(0)));
    }
}
