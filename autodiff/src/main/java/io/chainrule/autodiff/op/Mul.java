package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * {@code y = a ⊙ b} (elementwise, with broadcasting). Backward: {@code da = sumTo(g ⊙ b)},
 * {@code db = sumTo(g ⊙ a)}. Saves b only if a needs a gradient, and a only if b does.
 */
public final class Mul extends Op {
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
        return new Mul(a, b).output(a.value().mul(b.value()));
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor g = grads.output();
        if (needsInputGrad(0)) {
            grads.set(0, Add.reduce(g.mul(saved(bIndex)), aShape));
        }
        if (needsInputGrad(1)) {
            grads.set(1, Add.reduce(g.mul(saved(0)), bShape));
        }
    }
}
