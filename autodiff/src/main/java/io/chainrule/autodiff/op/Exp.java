package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** {@code y = exp(x)}. Backward: {@code dx = g ⊙ y}. Saves y. */
public final class Exp extends Node {
    private Exp(Var x, Tensor y) {
        super("exp", x);
        save(y);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().exp();
        Anomaly.checkForward("exp", y);
        return recording(x) ? new Exp(x, y).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0))};
    }
}
