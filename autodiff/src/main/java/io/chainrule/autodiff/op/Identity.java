package io.chainrule.autodiff.op;

import io.chainrule.autodiff.GradMode;
import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;

/**
 * A distinct node with the same value as its input; backward passes the gradient through
 * unchanged. Gives one use of a value a node of its own, so that a hook on it sees exactly the
 * gradient flowing through that use (per-step contributions to a shared parameter). Saves nothing.
 */
public final class Identity extends Op {
    private Identity(Var x) {
        super("identity", x);
    }

    public static Var apply(Var x) {
        if (!x.requiresGrad() || !GradMode.isEnabled()) {
            return x;
        }
        return new Identity(x).output(x.value());
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, grads.output());
    }
}
