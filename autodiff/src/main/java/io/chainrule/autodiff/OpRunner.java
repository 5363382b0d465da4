package io.chainrule.autodiff;

import io.chainrule.autodiff.engine.Runner;
import io.chainrule.autodiff.engine.Vertex;
import io.chainrule.autodiff.engine.Walk;
import io.chainrule.core.Tensor;

/** The API's side of the seam for one backward pass: runs the op each vertex records. */
final class OpRunner implements Runner {
    private PassGradients gradients;

    @Override
    public void backward(Vertex v, Tensor[] gradOutputs, Walk walk) {
        if (gradients == null) {
            gradients = new PassGradients(walk);
        }
        ((Op) v.owner()).backward(gradients);
    }

    @Override
    public void released(Vertex v) {
        if (v.owner() instanceof Op) {
            ((Op) v.owner()).released();
        }
    }

    @Override
    public void checkGradient(Vertex from, int input, Tensor grad) {
        Anomaly.checkBackward(from, input, grad);
    }
}
