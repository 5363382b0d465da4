package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * {@code y = x^p} for a constant exponent p ({@link Math#pow}). Backward:
 * {@code dx = g · p · x^(p-1)}, and {@code dx = 0} for {@code p = 0} (a constant; the formula
 * would give {@code 0 · 0^(-1) = NaN} at {@code x = 0}). Saves x.
 */
public final class Pow extends Op {
    private final double p;

    private Pow(Var x, double p) {
        super("pow", x);
        this.p = p;
        save(x);
    }

    public static Var apply(Var x, double p) {
        return new Pow(x, p).output(x.value().pow(p));
    }

    /** The constant exponent. */
    public double exponent() {
        return p;
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor x = saved(0);
        if (p == 0) {
            grads.set(0, Tensor.zeros(x.dtype(), x.shape()));
            return;
        }
        double q = p - 1;
        Tensor d = x.map(v -> q == 1 ? v : q == 0 ? 1.0 : q == -2 ? 1.0 / (v * v) : Math.pow(v, q));
        grads.set(0, grads.output().mul(p).mul(d)); // (g · p) · x^(p-1)
    }
}
