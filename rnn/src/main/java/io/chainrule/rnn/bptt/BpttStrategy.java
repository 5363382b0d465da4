package io.chainrule.rnn.bptt;

/**
 * How far back gradients flow through the recurrent state: a transformation of the unrolled,
 * weight-tied graph. An implementation runs steps 0..T-1 of a {@link Chain} and may cut
 * ({@code detach}), rescale ({@code scaleGrad}) or checkpoint the state between steps; it never
 * changes forward values, so the loss is the same under every strategy. See {@link Bptt} for the
 * built-in ones.
 */
public interface BpttStrategy {

    /** Runs {@code steps} steps from {@code start}; returns the carry after the last one. */
    Carry unroll(Chain chain, Carry start, int steps);

    /** A short description, e.g. {@code truncated:20}. */
    String name();

    /**
     * True if {@link #unroll} calls the chain exactly once for each step, in order, and never
     * again (no recomputation): {@link io.chainrule.rnn.Unroll} may then let a step write over
     * its slice of the hoisted inputs (see {@code Var.donate}). False by default, which is always
     * safe; a strategy that recomputes steps (checkpointing) must return false.
     */
    default boolean runsEachStepOnce() {
        return false;
    }
}
