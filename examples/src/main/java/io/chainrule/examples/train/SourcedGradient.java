package io.chainrule.examples.train;

import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Objective;
import io.chainrule.examples.task.SourcedBatch;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.SequenceLoss;
import io.chainrule.rnn.SequenceSource;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;

/**
 * The gradient of a batch whose inputs come a chunk of steps at a time ({@link SourcedBatch}):
 * how a one-direction model trains under a memory budget, where neither the sequence's inputs nor
 * its activations are held whole. The loss is the batch's as {@link LocalGradient} computes it
 * for a batch held whole, L = (1/S) Σ_{scored t} ℓ_t, unrolled from {@code initial} over
 * {@link Unroll#loss(Cell, SequenceSource, State, StepLoss, BpttStrategy)} with the default chunk
 * length, which is the chunk length of the held inputs' unroll: the same inputs give bitwise the
 * same loss and gradients.
 */
final class SourcedGradient {
    private SourcedGradient() {
    }

    /**
     * Differentiates L over {@code batch}; the gradient is added to the parameters' {@code grad()}.
     * Returns L and the final state (values only, to carry into the next batch).
     */
    static GradientStep.Outcome backward(Objective objective, Model model, SourcedBatch batch, State initial, BpttStrategy strategy) {
        DType dtype = model.dtype();
        Var zero = Var.constant(Tensor.scalar(dtype, 0.0));
        StepLoss stepLoss = (t, h) -> batch.scored()[t] ? StepLosses.at(objective, batch, t, model.output().apply(h)) : zero;
        Cell cell = model.trainingCell();
        SequenceLoss sl = Unroll.loss(cell, cast(batch.inputs(), dtype),
                initial != null ? initial : Unroll.zeroState(cell, batch.batchSize()), stepLoss, strategy);
        // Unroll averages over all T steps; rescale to the mean over the scored ones.
        Var loss = sl.loss().mul((double) batch.steps() / batch.scoredSteps());
        loss.backward();
        return new GradientStep.Outcome(loss.value().item(), sl.finalState().map(v -> Var.constant(v.value())));
    }

    /** {@code source}'s chunks in {@code dtype} (each cast as it is made). */
    static SequenceSource cast(SequenceSource source, DType dtype) {
        return new SequenceSource() {
            @Override
            public int steps() {
                return source.steps();
            }

            @Override
            public int batch() {
                return source.batch();
            }

            @Override
            public int inputSize() {
                return source.inputSize();
            }

            @Override
            public Tensor inputs(int from, int to) {
                return source.inputs(from, to).cast(dtype);
            }
        };
    }
}
