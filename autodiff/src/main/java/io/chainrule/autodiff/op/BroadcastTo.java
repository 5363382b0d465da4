package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;

/** Expands x to a larger shape by broadcasting. Backward: {@code dx = sumTo(g, shape(x))}. Saves nothing. */
public final class BroadcastTo extends Op {
    private final int[] inShape;

    private BroadcastTo(Var x) {
        super("broadcast", x);
        this.inShape = x.shape();
    }

    public static Var apply(Var x, int... shape) {
        return new BroadcastTo(x).output(x.value().broadcastTo(shape));
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, grads.output().sumTo(inShape));
    }
}
