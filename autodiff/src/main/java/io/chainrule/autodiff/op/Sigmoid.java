package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * {@code y = 1 / (1 + exp(-x))}. Backward: {@code dx = g ⊙ y ⊙ (1 - y)}, computed element by
 * element (so the engine may let it overwrite g). Saves y.
 */
public final class Sigmoid extends Op {
    private Sigmoid(Var x, Tensor y) {
        super("sigmoid", x);
        save(y);
    }

    public static Var apply(Var x) {
        Tensor y = x.value().sigmoid();
        return new Sigmoid(x, y).output(y);
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
        return y.sigmoidGradient(g, out);
    }
}
