package io.chainrule.examples.train;

/** Hears about a run's progress (the progress bar and the log lines). */
public interface TrainingListener {

    /** The run starts at iteration {@code from} (0, or where a resumed run left off) of {@code total}. */
    default void started(long from, long total, long tokensPerIteration) {
    }

    /** Iteration {@code done} (1-based) finished with this training loss, {@code seconds} into the run. */
    default void iteration(long done, long total, double loss, double seconds) {
    }

    /** A checkpoint for iteration {@code done} was saved. */
    default void saved(long done) {
    }

    /** Training is over (before evaluation). */
    default void finished() {
    }
}
