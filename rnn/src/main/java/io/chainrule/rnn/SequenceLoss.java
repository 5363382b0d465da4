package io.chainrule.rnn;

import io.chainrule.autodiff.Var;

/** The result of unrolling a sequence for training: L = (1/T) Σ_t l_t and the final state. */
public final class SequenceLoss {
    private final Var loss;
    private final State finalState;
    private final int steps;

    SequenceLoss(Var loss, State finalState, int steps) {
        this.loss = loss;
        this.finalState = finalState;
        this.steps = steps;
    }

    /** L = (1/T) Σ_t l(o_t, y_t), a scalar. */
    public Var loss() {
        return loss;
    }

    /** The state after the last step (carry its detached value into the next chunk when streaming). */
    public State finalState() {
        return finalState;
    }

    /** T. */
    public int steps() {
        return steps;
    }
}
