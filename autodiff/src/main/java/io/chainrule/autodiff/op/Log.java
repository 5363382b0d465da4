package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** {@code y = ln(x)}. Backward: {@code dx = g / x}. Saves x. */
public final class Log extends Node {
    private Log(Var x) {
        super("log", x);
        save(x);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().log();
        Anomaly.checkForward("log", y);
        return recording(x) ? new Log(x).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.div(saved(0))};
    }
}
