package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * Sum over a set of axes ({@code keepDims} keeps them with size 1). Backward: the gradient,
 * reshaped to keep the reduced axes, broadcast back to the input shape (a one-element gradient,
 * as a sequence loss takes at each step, handed over as a constant). Saves nothing.
 */
public final class Sum extends Op {
    private final int[] inShape;
    private final int[] keptShape;

    private Sum(Var x, int[] keptShape) {
        super("sum", x);
        this.inShape = x.shape();
        this.keptShape = keptShape;
    }

    /** Sum over {@code axes} (negative axes count from the end). */
    public static Var apply(Var x, int[] axes, boolean keepDims) {
        Tensor kept = x.value().sum(axes, true);
        Tensor y = keepDims ? kept : x.value().sum(axes, false);
        return new Sum(x, kept.shape()).output(y);
    }

    /** Sum of all elements, rank 0. */
    public static Var all(Var x) {
        Tensor y = x.value().sum();
        int[] kept = new int[x.value().rank()];
        java.util.Arrays.fill(kept, 1);
        return new Sum(x, kept).output(y);
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor g = grads.output();
        if (g.size() == 1) {
            grads.fill(0, g.item());
        } else {
            grads.set(0, g.reshape(keptShape).broadcastTo(inShape));
        }
    }
}
