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

    /** A zero tensor of {@code shape} with {@code part} written at {@code from} along {@code axis}. */
    static Tensor scatter(Tensor part, int[] shape, int axis, int from) {
        double[] out = new double[Shape.size(shape)];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        int len = part.shape()[axis];
        int chunk = len * inner;
        double[] src = part.array();
        int so = part.offset();
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, so + o * chunk, out, (o * shape[axis] + from) * inner, chunk);
        }
        return Tensor.wrap(out, shape);
    }
}
