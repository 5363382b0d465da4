package io.chainrule.examples.task;

import io.chainrule.core.Tensor;
import io.chainrule.rnn.SequenceSource;

/**
 * A training batch whose inputs [T, B, D] come from a {@link SequenceSource}, made a chunk of steps
 * at a time when the unroll asks for them, so that a long sequence is never held whole; the
 * targets are a {@link Batch}'s: class targets ({@code classes[t][b]}) or value targets
 * ({@code values[t]}, [B, Q]), and the steps that count in the loss ({@code scored[t]}).
 */
public record SourcedBatch(SequenceSource inputs, int[][] classes, Tensor[] values, boolean[] scored) {

    public SourcedBatch {
        if (inputs == null) {
            throw new IllegalArgumentException("a batch needs its inputs");
        }
        int steps = inputs.steps();
        if ((classes == null) == (values == null)) {
            throw new IllegalArgumentException("a batch has either class or value targets");
        }
        if (scored.length != steps || (classes != null ? classes.length : values.length) != steps) {
            throw new IllegalArgumentException("a batch needs targets and a scored flag for each of its " + steps + " steps");
        }
    }

    /** {@code batch} with its inputs served from the tensor it holds. */
    public static SourcedBatch of(Batch batch) {
        return new SourcedBatch(SequenceSource.of(batch.inputs()), batch.classes(), batch.values(), batch.scored());
    }

    public int steps() {
        return inputs.steps();
    }

    public int batchSize() {
        return inputs.batch();
    }

    /** How many steps count in the loss. */
    public int scoredSteps() {
        int n = 0;
        for (boolean s : scored) {
            n += s ? 1 : 0;
        }
        return n;
    }
}
