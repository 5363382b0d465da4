package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.Var;
import io.chainrule.rnn.State;

/**
 * What flows from one step of an unrolled sequence to the next: the recurrent state, which BPTT
 * strategies may cut or rescale, and the running sum of the per-step losses, which they never
 * touch.
 */
public final class Carry {
    private final State state;
    private final Var lossSum;

    public Carry(State state, Var lossSum) {
        if (state == null || lossSum == null) {
            throw new IllegalArgumentException("carry needs a state and a loss sum");
        }
        this.state = state;
        this.lossSum = lossSum;
    }

    public State state() {
        return state;
    }

    /** Σ of the per-step losses so far. */
    public Var lossSum() {
        return lossSum;
    }

    /** The same loss sum with another state. */
    public Carry withState(State newState) {
        return new Carry(newState, lossSum);
    }
}
