package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/** {@code y = 1 / (1 + exp(-x))}. Backward: {@code dx = g ⊙ y ⊙ (1 - y)}. Saves y. */
public final class Sigmoid extends Node {
    private Sigmoid(Var x, Tensor y) {
        super("sigmoid", x);
        save(y);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().sigmoid();
        Anomaly.checkForward("sigmoid", y);
        return recording(x) ? new Sigmoid(x, y).output(y) : Var.constant(y);
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
            out[i] = gd[go + i] * v * (1.0 - v);
        }
        return new Tensor[] {Tensor.wrap(out, y.shape())};
    }
}
