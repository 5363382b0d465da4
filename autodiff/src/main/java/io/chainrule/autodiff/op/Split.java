package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Backward;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.Arrays;

/**
 * Splits x along one axis into consecutive parts of the given sizes, as one multi-output node
 * ({@code unstack} is the split into size-1 parts with that axis removed). Backward joins the
 * parts' gradients (zeros for parts that received none) into one tensor of x's shape: one copy,
 * however many parts — where k separate slices would each scatter into a full-size zero tensor.
 * Along axis 0 the parts are views of x (no copy), and their gradients are joined by the engine
 * as they arrive ({@link #joinedGradientShape}), so backward passes the joined buffer on with no
 * copy at all. Saves nothing.
 */
public final class Split extends Node {
    private final int axis;
    private final int[] sizes;
    private final int[] inShape;
    private final boolean squeeze;
    /** Where each part starts along the axis. */
    private final int[] starts;

    private Split(Var x, int axis, int[] sizes, boolean squeeze) {
        super(squeeze ? "unstack" : "split", x);
        this.axis = axis;
        this.sizes = sizes;
        this.starts = new int[sizes.length];
        for (int i = 1; i < sizes.length; i++) {
            starts[i] = starts[i - 1] + sizes[i - 1];
        }
        this.inShape = x.shape();
        this.squeeze = squeeze;
    }

    /** Parts of {@code sizes[i]} elements along {@code axis}; the sizes must add up to that dimension. */
    public static Var[] apply(Var x, int axis, int... sizes) {
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split sizes must be non-negative, got " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != shape[a]) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " but axis " + axis + " of shape " + Shape.format(shape) + " has " + shape[a]);
        }
        return build(x, a, sizes.clone(), false);
    }

    /** The sub-tensors at each position of {@code axis}, with that axis removed. */
    public static Var[] unstack(Var x, int axis) {
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        int[] sizes = new int[shape[a]];
        Arrays.fill(sizes, 1);
        return build(x, a, sizes, true);
    }

    private static Var[] build(Var x, int a, int[] sizes, boolean squeeze) {
        Tensor v = x.value();
        Tensor[] parts = new Tensor[sizes.length];
        int pos = 0;
        for (int i = 0; i < sizes.length; i++) {
            Tensor p = v.slice(a, pos, pos + sizes[i]);
            if (squeeze) {
                p = p.reshape(dropAxis(p.shape(), a));
            }
            parts[i] = p;
            pos += sizes[i];
        }
        if (!recording(x)) {
            Var[] out = new Var[parts.length];
            for (int i = 0; i < parts.length; i++) {
                out[i] = Var.constant(parts[i]);
            }
            return out;
        }
        return new Split(x, a, sizes, squeeze).outputs(parts);
    }

    private static int[] dropAxis(int[] shape, int a) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != a) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** Along axis 0 each part is a contiguous slice of x, so the engine joins the parts' gradients in x's shape. */
    @Override
    protected int[] joinedGradientShape() {
        return axis == 0 ? inShape : null;
    }

    @Override
    protected Tensor joinedGradientPart(Tensor joined, int slot) {
        int from = starts[slot];
        Tensor part = joined.slice(0, from, from + sizes[slot]);
        return squeeze ? part.reshape(dropAxis(part.shape(), 0)) : part;
    }

    @Override
    protected void run(Tensor[] gradOutputs, Backward engine) {
        Tensor joined = takeJoinedGradient();
        deliverGradient(engine, 0, joined != null ? joined : backward(gradOutputs)[0]);
    }

    @Override
    protected Tensor[] backward(Tensor[] gradOutputs) {
        // Join the parts' gradients directly, treating missing parts as zeros.
        double[] out = new double[Shape.size(inShape)];
        int inner = 1;
        for (int i = axis + 1; i < inShape.length; i++) {
            inner *= inShape[i];
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= inShape[i];
        }
        int rowLen = inShape[axis] * inner;
        int pos = 0;
        for (int p = 0; p < sizes.length; p++) {
            Tensor g = gradOutputs[p];
            int chunk = sizes[p] * inner;
            if (g != null) {
                double[] src = g.array();
                int so = g.offset();
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(src, so + o * chunk, out, o * rowLen + pos, chunk);
                }
            }
            pos += chunk;
        }
        return new Tensor[] {Tensor.wrap(out, inShape)};
    }
}
