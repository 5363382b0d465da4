package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * {@code y = tanh(x)}. Backward: {@code dx = g ⊙ (1 - y²)}, computed element by element (so the
 * engine may let it overwrite g). Saves y.
 */
public final class Tanh extends Op {
    private Tanh(Var x, Tensor y) {
        super("tanh", x);
        save(y);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().tanh();
        return new Tanh(x, y).output(y);
    }

    @Override
    protected void backward(Gradients grads) {
        grads.set(0, gradient(saved(0), grads.output(), grads.destinationInPlace(0)));
    }

    /**
     * {@code g ⊙ f'(y)} into {@code out} (which may be g itself), given the output y and the output
     * gradient g; also the backward of {@link AddMatMul} with this activation. Returns out.
     */
    static Tensor gradient(Tensor y, Tensor g, Tensor out) {
        return y.tanhGradient(g, out);
    }
}
