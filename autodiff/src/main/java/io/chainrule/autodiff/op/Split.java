package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.Arrays;

/**
 * Splits x along one axis into consecutive parts of the given sizes, as one multi-output op
 * ({@code unstack} is the split into size-1 parts with that axis removed). Backward joins the
 * parts' gradients (zeros for parts that received none) into one tensor of x's shape: one copy,
 * however many parts, where k separate slices would each scatter into a full-size zero tensor.
 * Along axis 0 the parts are views of x (no copy), each counting its in-place writes apart from
 * the others ({@link Tensor#partition}), and backward takes their gradients already joined
 * ({@link Gradients#joinedOutputs()}): no copy at all. Saves nothing.
 */
public final class Split extends Op {
    private final int axis;
    private final int[] sizes;
    private final int[] inShape;

    private Split(Var x, int axis, int[] sizes, String name) {
        super(name, x);
        this.axis = axis;
        this.sizes = sizes;
        this.inShape = x.shape();
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
        Split op = new Split(x, a, sizes, squeeze ? "unstack" : "split");
        Tensor[] parts = a == 0 ? v.partition(sizes) : new Tensor[sizes.length];
        int pos = 0;
        for (int i = 0; i < sizes.length; i++) {
            Tensor p = a == 0 ? parts[i] : v.slice(a, pos, pos + sizes[i]);
            parts[i] = squeeze ? p.reshape(dropAxis(p.shape(), a)) : p;
            pos += sizes[i];
        }
        return a == 0 ? op.outputParts(v, parts) : op.outputs(parts);
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

    @Override
    protected void backward(Gradients grads) {
        if (axis == 0) {
            grads.set(0, grads.joinedOutputs());
            return;
        }
        // Join the parts' gradients, treating missing parts as zeros.
        Tensor any = null;
        for (int p = 0; p < sizes.length && any == null; p++) {
            any = grads.output(p);
        }
        Tensor[] parts = new Tensor[sizes.length];
        for (int p = 0; p < sizes.length; p++) {
            Tensor g = grads.output(p);
            int[] partShape = inShape.clone();
            partShape[axis] = sizes[p];
            parts[p] = g != null ? g.reshape(partShape) : Slice.zeros(any, inShape, axis, sizes[p]);
        }
        grads.set(0, Tensor.concat(axis, parts));
    }
}
