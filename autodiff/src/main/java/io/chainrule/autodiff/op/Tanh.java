package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Backward;
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

    /** Writes the input gradient over the output gradient when the engine allows (one buffer less a step). */
    @Override
    protected void run(Tensor[] gradOutputs, Backward engine) {
        Tensor g = gradOutputs[0];
        deliverGradient(engine, 0, derivative(g, mayOverwriteGradient(engine, 0) ? g : null));
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {derivative(g, null)};
    }

    /** The input gradient, into {@code into} (g itself) or a new tensor when it is null. */
    private Tensor derivative(Tensor g, Tensor into) {
        return gradient(saved(0), g, into);
    }

    /**
     * The input gradient given the output y and the output gradient g, into {@code into} or a new
     * tensor when it is null; also the backward of {@link AddMatMul} with this activation.
     */
    static Tensor gradient(Tensor y, Tensor g, Tensor into) {
        Tensor out = into != null ? into : Tensor.zerosLike(y);
        double[] od = out.array();
        double[] yd = y.array();
        double[] gd = g.array();
        int oo = out.offset();
        int yo = y.offset();
        int go = g.offset();
        int n = y.size();
        for (int i = 0; i < n; i++) {
            double v = yd[yo + i];
            od[oo + i] = gd[go + i] * (1.0 - v * v);
        }
        return out;
    }
}
