package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** {@code y = -x}. Backward: {@code dx = -g}. Saves nothing. */
public final class Neg extends Node {
    private Neg(Var x) {
        super("neg", x);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().neg();
        Anomaly.checkForward("neg", y);
        return recording(x) ? new Neg(x).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.neg()};
    }
}
