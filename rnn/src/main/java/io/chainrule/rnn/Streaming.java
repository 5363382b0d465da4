package io.chainrule.rnn;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.rnn.bptt.BpttStrategy;

import java.util.function.Consumer;

/**
 * Stateful streaming over a long sequence in chunks (truncated BPTT with k1 = k2 = chunk length,
 * the chapter's "detach between subsequences"): each chunk is unrolled from the previous chunk's
 * final state <em>value</em> with its gradient path cut, its loss handed to {@code onChunk}
 * (differentiate and update there), and its final state carried on.
 *
 * <p>The last chunk may be shorter than {@code chunk} when T is not a multiple of it. A chunk
 * longer than the sequence is an error (it would silently be full BPTT over a shorter window).
 */
public final class Streaming {
    private Streaming() {
    }

    /** One chunk's result, for the callback. */
    public static final class Chunk {
        private final int index;
        private final int start;
        private final SequenceLoss result;

        Chunk(int index, int start, SequenceLoss result) {
            this.index = index;
            this.start = start;
            this.result = result;
        }

        /** 0-based chunk number. */
        public int index() {
            return index;
        }

        /** Global step index of the chunk's first step. */
        public int start() {
            return start;
        }

        /** The chunk's loss (mean over its steps) and final state. */
        public SequenceLoss result() {
            return result;
        }
    }

    /**
     * Streams {@code inputs} [T, B, D] through {@code cell} in chunks of {@code chunk} steps.
     * {@code loss} receives global step indices. Within a chunk, {@code strategy} applies (usually
     * full). Returns the final state (detached).
     */
    public static State run(Cell cell, Var inputs, State initial, StepLoss loss, BpttStrategy strategy,
                            int chunk, Consumer<Chunk> onChunk) {
        int[] s = inputs.shape();
        if (s.length != 3) {
            throw new IllegalArgumentException("inputs must have shape [T, B, D], got " + Shape.format(s));
        }
        int steps = s[0];
        if (chunk <= 0) {
            throw new IllegalArgumentException("chunk length must be positive, got " + chunk);
        }
        if (chunk > steps) {
            throw new IllegalArgumentException("chunk length " + chunk + " is longer than the sequence (T = "
                    + steps + "); use a chunk of at most T steps");
        }
        if (onChunk == null) {
            throw new IllegalArgumentException("onChunk must not be null");
        }
        State state = initial;
        int index = 0;
        for (int start = 0; start < steps; start += chunk) {
            int end = Math.min(steps, start + chunk);
            int offset = start;
            Var part = Var.constant(inputs.value().slice(0, start, end));
            SequenceLoss r = Unroll.loss(cell, part, state.detach(), (t, h) -> loss.at(offset + t, h), strategy);
            onChunk.accept(new Chunk(index++, start, r));
            state = r.finalState().detach();
        }
        return state;
    }
}
