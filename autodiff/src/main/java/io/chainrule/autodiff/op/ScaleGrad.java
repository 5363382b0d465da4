package io.chainrule.autodiff.op;

import io.chainrule.autodiff.GradMode;
import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;

/**
 * Identity forward; backward multiplies the incoming gradient by a constant {@code xi}
 * ({@code xi = 0} cuts the path: nothing upstream is visited through it). Used by randomized
 * truncation, where xi is 0 or 1/π. Saves nothing.
 */
public final class ScaleGrad extends Op {
    private final double xi;

    private ScaleGrad(Var x, double xi) {
        super("scale_grad", x);
        this.xi = xi;
    }

    public static Var apply(Var x, double xi) {
        if (!Double.isFinite(xi)) {
            throw new IllegalArgumentException("gradient scale must be finite, got " + xi);
        }
        if (xi == 1.0 || !x.requiresGrad() || !GradMode.isEnabled()) {
            return x; // scaling by 1 changes nothing: no node, so the graph is exactly the unscaled one
        }
        return new ScaleGrad(x, xi).output(x.value());
    }

    /** The gradient multiplier. */
    public double scale() {
        return xi;
    }

    @Override
    protected void backward(Gradients grads) {
        if (xi != 0.0) {
            grads.set(0, grads.output().mul(xi));
        }
    }
}
