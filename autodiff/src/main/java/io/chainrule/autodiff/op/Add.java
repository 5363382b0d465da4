package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * {@code y = a + b} with broadcasting. Backward: {@code da = sumTo(g, shape(a))},
 * {@code db = sumTo(g, shape(b))}. Saves nothing.
 */
public final class Add extends Node {
    private final int[] aShape;
    private final int[] bShape;

    private Add(Var a, Var b) {
        super("add", a, b);
        this.aShape = a.shape();
        this.bShape = b.shape();
    }

    public static Var apply(Var a, Var b) {
        Tensor y = a.value().add(b.value());
        Anomaly.checkForward("add", y);
        return recording(a, b) ? new Add(a, b).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {
            needsInputGrad(0) ? reduce(g, aShape) : null,
            needsInputGrad(1) ? reduce(g, bShape) : null
        };
    }

    /** The gradient summed down to an operand's shape; the same tensor when no axis was broadcast. */
    static Tensor reduce(Tensor g, int[] shape) {
        return g.hasShape(shape) ? g : g.sumTo(shape);
    }
}
