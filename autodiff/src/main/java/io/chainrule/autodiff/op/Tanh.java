package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** {@code y = tanh(x)}. Backward: {@code dx = g ⊙ (1 - y²)}. Saves y. */
public final class Tanh extends Node {
    private Tanh(Var x, Tensor y) {
        super("tanh", x);
        save(y);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().tanh();
        Anomaly.checkForward("tanh", y);
        return recording(x) ? new Tanh(x, y).output(y) : Var.constant(y);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor y = saved(0);
        double[] out = new double[y.size()];
        double[] yd = y.array();
        double[] gd = g.array();
        int yo = y.offset();
        int go = g.offset();
        for (int i = 0; i < out.length; i++) {
            double v = yd[yo + i];
            out[i] = gd[go + i] * (1.0 - v * v);
        }
        return new Tensor[] {Tensor.wrap(out, y.shape())};
    }
}
