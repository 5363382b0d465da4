package io.chainrule.autodiff;

import io.chainrule.core.Tensor;

/** The node of a parameter: gradients delivered to it accumulate into the parameter's {@link Var#grad()}. */
final class Leaf extends Node {
    private Var variable;

    Leaf(int[] shape) {
        super("param");
        declareOutputs(shape);
    }

    void bind(Var v) {
        this.variable = v;
    }

    void accumulate(Tensor grad) {
        runHooks(0, grad);
        variable.accumulateGrad(grad);
    }

    Var variable() {
        return variable;
    }

    @Override
    protected void release() {
        // parameters are never freed
    }
}
