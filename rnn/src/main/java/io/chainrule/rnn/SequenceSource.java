package io.chainrule.rnn;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.function.IntFunction;

/**
 * A sequence of T input vectors for a batch of B sequences, produced a chunk of steps at a time
 * instead of held whole: from a generator, an array, or a file read as it goes. {@link Unroll}
 * asks for the steps it is about to run; under checkpointing a recomputed segment asks for its
 * steps again, so {@link #inputs} must give the same values for the same steps every time.
 *
 * <p>Targets for the step losses can be produced the same way: a {@link StepLoss} receives the
 * step index and may read its target from another source.
 */
public interface SequenceSource {

    /** T, the number of steps. */
    int steps();

    /** B, the number of sequences in the batch. */
    int batch();

    /** D, the size of one input vector. */
    int inputSize();

    /** The inputs of steps {@code from} (inclusive) to {@code to} (exclusive), shape [to − from, B, D]. */
    Tensor inputs(int from, int to);

    /** The sequence held in {@code inputs} [T, B, D] (the simple case: the whole sequence in memory). */
    static SequenceSource of(Tensor inputs) {
        if (inputs == null || inputs.rank() != 3) {
            throw new IllegalArgumentException("inputs must have shape [T, B, D], got "
                    + (inputs == null ? "null" : Shape.format(inputs.shape())));
        }
        return new SequenceSource() {
            @Override
            public int steps() {
                return inputs.dim(0);
            }

            @Override
            public int batch() {
                return inputs.dim(1);
            }

            @Override
            public int inputSize() {
                return inputs.dim(2);
            }

            @Override
            public Tensor inputs(int from, int to) {
                return inputs.slice(0, from, to);
            }
        };
    }

    /**
     * A sequence whose step t is {@code step.apply(t)} ([B, D], computed on demand: a generator or
     * a reader must give the same values for the same t every time).
     */
    static SequenceSource generated(int steps, int batch, int inputSize, IntFunction<Tensor> step) {
        if (steps <= 0 || batch <= 0 || inputSize <= 0) {
            throw new IllegalArgumentException("a sequence needs positive sizes, got T = " + steps + ", B = " + batch
                    + ", D = " + inputSize);
        }
        if (step == null) {
            throw new IllegalArgumentException("the step generator must not be null");
        }
        return new SequenceSource() {
            @Override
            public int steps() {
                return steps;
            }

            @Override
            public int batch() {
                return batch;
            }

            @Override
            public int inputSize() {
                return inputSize;
            }

            @Override
            public Tensor inputs(int from, int to) {
                Tensor[] steps = new Tensor[to - from];
                for (int t = from; t < to; t++) {
                    Tensor x = step.apply(t);
                    if (x == null || !x.hasShape(batch, inputSize)) {
                        throw new IllegalStateException("the generator gave step " + t + " of shape "
                                + (x == null ? "null" : Shape.format(x.shape())) + "; expected [" + batch + ", " + inputSize + "]");
                    }
                    steps[t - from] = x;
                }
                return Tensor.stack(steps);
            }
        };
    }
}
