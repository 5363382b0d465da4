package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Backward;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * Sum over a set of axes ({@code keepDims} keeps them with size 1). Backward: the gradient,
 * reshaped to keep the reduced axes, broadcast back to the input shape. Saves nothing.
 */
public final class Sum extends Node {
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
        Anomaly.checkForward("sum", y);
        return recording(x) ? new Sum(x, kept.shape()).output(y) : Var.constant(y);
    }

    /** Sum of all elements, rank 0. */
    public static Var all(Var x) {
        Tensor y = x.value().sum();
        Anomaly.checkForward("sum", y);
        int[] kept = new int[x.value().rank()];
        java.util.Arrays.fill(kept, 1);
        return recording(x) ? new Sum(x, kept).output(y) : Var.constant(y);
    }

    /** A one-element gradient (a sum of everything, as a sequence loss takes each step) is not materialized. */
    @Override
    protected void run(Tensor[] gradOutputs, Backward engine) {
        Tensor g = gradOutputs[0];
        if (g.size() == 1) {
            deliverFilled(engine, 0, g.array()[g.offset()]);
        } else {
            deliverGradient(engine, 0, backward(g)[0]);
        }
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.reshape(keptShape).broadcastTo(inShape)};
    }
}
