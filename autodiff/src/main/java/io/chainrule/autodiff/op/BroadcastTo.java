package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** Expands x to a larger shape by broadcasting. Backward: {@code dx = sumTo(g, shape(x))}. Saves nothing. */
public final class BroadcastTo extends Node {
    private final int[] inShape;

    private BroadcastTo(Var x) {
        super("broadcast", x);
        this.inShape = x.shape();
    }

    public static Var apply(Var x, int... shape) {
        Tensor y = x.value().broadcastTo(shape);
        return recording(x) ? new BroadcastTo(x).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.sumTo(inShape)};
    }
}
