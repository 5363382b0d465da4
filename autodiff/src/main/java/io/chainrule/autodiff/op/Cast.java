package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;

/**
 * {@code y = x} as another dtype: float64 to float32 rounds to nearest, float32 to float64 is
 * exact. The only way a graph mixes precisions (elsewhere mixing is an error naming both dtypes).
 * Backward: {@code dx = g} as x's dtype. Saves nothing.
 */
public final class Cast extends Op {
    private final DType from;

    private Cast(Var x) {
        super("cast", x);
        this.from = x.value().dtype();
    }

    /** {@code x} as {@code to}: x itself when it already is. */
    public static Var apply(Var x, DType to) {
        if (to == null) {
            throw new IllegalArgumentException("cast: the dtype must not be null");
        }
        if (x.value().dtype() == to) {
            return x;
        }
        return new Cast(x).output(x.value().cast(to));
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, grads.output().cast(from));
    }
}
