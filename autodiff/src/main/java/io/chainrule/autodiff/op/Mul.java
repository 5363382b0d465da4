package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * {@code y = a ⊙ b} (elementwise, with broadcasting). Backward: {@code da = sumTo(g ⊙ b)},
 * {@code db = sumTo(g ⊙ a)}. Saves b only if a needs a gradient, and a only if b does.
 */
public final class Mul extends Node {
    private final int[] aShape;
    private final int[] bShape;
    private final int bIndex;

    private Mul(Var a, Var b) {
        super("mul", a, b);
        this.aShape = a.shape();
        this.bShape = b.shape();
        int i = 0;
        if (needsInputGrad(1)) {
            save(a);
            i = 1;
        }
        if (needsInputGrad(0)) {
            save(b);
        }
        this.bIndex = i;
    }

    public static Var apply(Var a, Var b) {
        Tensor y = a.value().mul(b.value());
        Anomaly.checkForward("mul", y);
        return recording(a, b) ? new Mul(a, b).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor da = needsInputGrad(0) ? reduce(g.mul(saved(bIndex)), aShape) : null;
        Tensor db = needsInputGrad(1) ? reduce(g.mul(saved(0)), bShape) : null;
        return new Tensor[] {da, db};
    }

    private static Tensor reduce(Tensor g, int[] shape) {
        return Add.reduce(g, shape);
    }
}
