package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The recurrent state of a cell at one step: one or more tensors (the tanh RNN's h; the LSTM's
 * h and c), each of shape [B, H]. Part 0 is always the hidden output h that an output layer reads.
 * Immutable.
 */
public final class State {
    private final Var[] parts;

    private State(Var[] parts) {
        this.parts = parts;
    }

    /** A state made of the given parts (part 0 is h). */
    public static State of(Var... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("a state needs at least one part");
        }
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == null) {
                throw new IllegalArgumentException("state part " + i + " is null");
            }
        }
        return new State(parts.clone());
    }

    /** The hidden output h (part 0). */
    public Var h() {
        return parts[0];
    }

    /** Part {@code i}. */
    public Var get(int i) {
        return parts[i];
    }

    /** Number of parts. */
    public int size() {
        return parts.length;
    }

    /** The parts, as a new array. */
    public Var[] parts() {
        return parts.clone();
    }

    /** The same values with no gradient path into the past (truncation). */
    public State detach() {
        return map(Ops::detach);
    }

    /** Applies {@code f} to every part. */
    public State map(UnaryOperator<Var> f) {
        Var[] out = new Var[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = f.apply(parts[i]);
        }
        return new State(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("State[");
        for (int i = 0; i < parts.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Arrays.toString(parts[i].shape()));
        }
        return sb.append(']').toString();
    }
}
