package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** {@code y = max(x, 0)}. Backward: {@code dx = g ⊙ [x > 0]} (0 at the kink). Saves y. */
public final class Relu extends Op {
    private Relu(Var x, Tensor y) {
        super("relu", x);
        save(y);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().relu();
        return new Relu(x, y).output(y);
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor y = saved(0);
        Tensor g = grads.output();
        double[] out = new double[y.size()];
        double[] yd = y.array();
        double[] gd = g.array();
        int yo = y.offset();
        int go = g.offset();
        for (int i = 0; i < out.length; i++) {
            out[i] = yd[yo + i] > 0 ? gd[go + i] : 0.0;
        }
        grads.set(0, Tensor.wrap(out, y.shape()));
    }
}
