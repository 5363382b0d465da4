package io.chainrule.autodiff.engine;

import io.chainrule.core.Tensor;

/**
 * How the engine calls back into the ops it walks over: the API's side of the seam. The engine
 * knows vertices only; the runner knows what op each one records ({@link Vertex#owner()}).
 */
public interface Runner {

    /**
     * Runs the backward of the op {@code v} records: {@code gradOutputs[i]} is the gradient of
     * output i, or null where none arrived; the op hands its input gradients to {@code walk}.
     */
    void backward(Vertex v, Tensor[] gradOutputs, Walk walk);

    /** {@code v} was freed: its op may drop what it holds besides its saved tensors. */
    void released(Vertex v);

    /** In anomaly mode: checks the gradient {@code from} hands to its input {@code input}. */
    void checkGradient(Vertex from, int input, Tensor grad);
}
