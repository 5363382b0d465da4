package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * {@code y = a + b} with broadcasting. Backward: {@code da = sumTo(g, shape(a))},
 * {@code db = sumTo(g, shape(b))}. Saves nothing.
 */
public final class Add extends Op {
    private final int[] aShape;
    private final int[] bShape;

    private Add(Var a, Var b) {
        super("add", a, b);
        this.aShape = a.shape();
        this.bShape = b.shape();
    }

    public static Var apply(Var a, Var b) {
        return new Add(a, b).output(a.value().add(b.value()));
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor g = grads.output();
        if (needsInputGrad(0)) {
            grads.set(0, reduce(g, aShape));
        }
        if (needsInputGrad(1)) {
            grads.set(1, reduce(g, bShape));
        }
    }

    /** The gradient summed down to an operand's shape; the same tensor when no axis was broadcast. */
    static Tensor reduce(Tensor g, int[] shape) {
        return g.hasShape(shape) ? g : g.sumTo(shape);
    }
}
