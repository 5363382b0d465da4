package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.core.Shape;

/**
 * Joins inputs along one axis. Backward: the gradient sliced back into the inputs' ranges.
 * Saves nothing.
 */
public final class Concat extends Node {
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
        return recording(xs) ? new Concat(xs, a, sizes).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor[] out = new Tensor[sizes.length];
        int pos = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (needsInputGrad(i)) {
                out[i] = g.slice(axis, pos, pos + sizes[i]);
            }
            pos += sizes[i];
        }
        return out;
    }
}
