package io.chainrule.rnn;

import io.chainrule.autodiff.Var;

/**
 * The result of running one layer over a whole sequence ({@link Unroll#outputs}): its hidden
 * outputs h_1..h_T as one value [T, B, H], as PyTorch's recurrent modules return them, and the
 * final state.
 */
public final class SequenceOutputs {
    private final Var outputs;
    private final State finalState;

    SequenceOutputs(Var outputs, State finalState) {
        this.outputs = outputs;
        this.finalState = finalState;
    }

    /** [T, B, H]: slice t is the hidden output after reading input t (for the reverse direction, after reading inputs T−1 down to t). */
    public Var outputs() {
        return outputs;
    }

    /** The state after the last step (for the reverse direction, after reading input 0). */
    public State finalState() {
        return finalState;
    }
}
