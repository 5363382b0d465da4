package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

/**
 * Elements {@code from .. to-1} along one axis. Backward: a zero tensor of the input shape with
 * the gradient written into that range. Saves nothing.
 */
public final class Slice extends Op {
    private final int[] inShape;
    private final int axis;
    private final int from;

    private Slice(Var x, int axis, int from) {
        super("slice", x);
        this.inShape = x.shape();
        this.axis = axis;
        this.from = from;
    }

    public static Var apply(Var x, int axis, int from, int to) {
        Tensor y = x.value().slice(axis, from, to);
        int a = Shape.axis(axis, x.value().rank());
        return new Slice(x, a, from).output(y);
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, scatter(grads.output(), inShape, axis, from));
    }

    /** A zero tensor of {@code shape} (part's dtype) with {@code part} written at {@code from} along {@code axis}. */
    static Tensor scatter(Tensor part, int[] shape, int axis, int from) {
        int len = part.shape()[axis];
        int after = shape[axis] - from - len;
        if (from == 0 && after == 0) {
            return part.copy();
        }
        java.util.List<Tensor> pieces = new java.util.ArrayList<>(3);
        if (from > 0) {
            pieces.add(zeros(part, shape, axis, from));
        }
        pieces.add(part);
        if (after > 0) {
            pieces.add(zeros(part, shape, axis, after));
        }
        return Tensor.concat(axis, pieces.toArray(new Tensor[0]));
    }

    /** Zeros of {@code like}'s dtype and {@code shape} with {@code length} along {@code axis}. */
    static Tensor zeros(Tensor like, int[] shape, int axis, int length) {
        int[] s = shape.clone();
        s[axis] = length;
        return Tensor.zeros(like.dtype(), s);
    }
}
