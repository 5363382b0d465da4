package io.chainrule.examples.task;

import io.chainrule.core.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A learning problem for a recurrent model: what a batch looks like, how outputs are scored, and
 * what a constant predictor would score (so a report can say whether the model learned anything).
 *
 * <p>Batches are a fixed function of the run's seed and the iteration. A <em>streaming</em> task
 * continues its sequences from one batch to the next: the trainer carries the final hidden state
 * into the next batch (value kept, gradient cut), as in the chapter's training loop.
 */
public interface Task {

    /** The name on the command line. */
    String name();

    /** D. */
    int inputSize();

    /** Q: classes or output values per step. */
    int outputSize();

    Objective objective();

    /** True if batch i+1 continues the sequences of batch i. */
    boolean streaming();

    /** True if the state carried into batch {@code iteration} must start from zero (a new pass over finite data). */
    default boolean restartsStream(long iteration) {
        return iteration == 0;
    }

    /** The training batch of iteration {@code iteration} (0-based). */
    Batch batch(long iteration);

    /**
     * Sequences {@code from} to {@code to} (exclusive) of the training batch of {@code iteration}:
     * exactly {@code batch(iteration).rows(from, to)}, so a data-parallel shard sees the rows the
     * whole batch has. Tasks whose sequences are drawn independently may make only those rows.
     */
    default Batch batch(long iteration, int from, int to) {
        return batch(iteration).rows(from, to);
    }

    /** Held-out batches (for a streaming task, consecutive chunks of held-out streams). */
    List<Batch> evalBatches();

    /** How many batches {@link #evalBatches()} makes, known without making them (for the memory estimate). */
    int evalBatchCount();

    /**
     * Scores of the model's outputs on {@link #evalBatches()} ({@code outputs.get(k)[t]} is the
     * [B, Q] output at step t of batch k) beside baselines. Always includes
     * {@code constant_loss}: the loss of the best constant prediction.
     */
    List<Metric> score(List<Batch> batches, List<Tensor[]> outputs);

    /** One line saying what the task asks of the model. */
    String describe();

    /** What besides the common options a rebuild needs (written to config.json), e.g. the text vocabulary. */
    default Map<String, String> settings() {
        return Map.of();
    }
}
