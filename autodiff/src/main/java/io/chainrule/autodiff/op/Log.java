package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;

/** {@code y = ln(x)}. Backward: {@code dx = g / x}. Saves x. */
public final class Log extends Op {
    private Log(Var x) {
        super("log", x);
        save(x);
    }

    public static Var apply(Var x) {
        return new Log(x).output(x.value().log());
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, grads.output().div(saved(0)));
    }
}
