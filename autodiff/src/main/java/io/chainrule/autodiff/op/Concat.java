package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

/**
 * Joins inputs along one axis. Backward: the gradient sliced back into the inputs' ranges.
 * Saves nothing.
 */
public final class Concat extends Op {
    private final int axis;
    private final int[] sizes;

    private Concat(Var[] xs, int axis, int[] sizes) {
        super("concat", xs);
        this.axis = axis;
        this.sizes = sizes;
    }

    public static Var apply(int axis, Var... xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException("concat needs at least one input");
        }
        Tensor[] values = new Tensor[xs.length];
        int[] sizes = new int[xs.length];
        for (int i = 0; i < xs.length; i++) {
            values[i] = xs[i].value();
        }
        Tensor y = Tensor.concat(axis, values);
        int a = Shape.axis(axis, y.rank());
        for (int i = 0; i < xs.length; i++) {
            sizes[i] = values[i].dim(a);
        }
        return new Concat(xs.clone(), a, sizes).output(y);
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor g = grads.output();
        int pos = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (needsInputGrad(i)) {
                grads.set(i, g.slice(axis, pos, pos + sizes[i]));
            }
            pos += sizes[i];
        }
    }
}
