package io.chainrule.examples.train;

import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Task;
import io.chainrule.rnn.State;

import java.io.IOException;

/**
 * How the {@link Trainer} gets an iteration's gradient: the loss L of the iteration's batch from
 * the carried state, differentiated, with dL/dθ left in each parameter's {@code grad()} (which is
 * null on entry). {@link LocalGradient} computes it in this JVM; a data-parallel step (module
 * {@code spark}) sums the gradients of the batch's shards computed elsewhere. Everything else of
 * an iteration (clipping, the optimizer step, checkpoints, metrics) stays in the trainer.
 */
public interface GradientStep {

    /**
     * The loss of iteration {@code iteration} and its gradient.
     *
     * @param carried the state carried from the previous batch (values only, gradient path cut),
     *     or null to start every sequence from zero
     */
    Outcome compute(long iteration, State carried);

    /**
     * @param loss       the value of L
     * @param finalState the state after the batch's last step (values only; carried into the next
     *                   batch of a streaming task)
     */
    record Outcome(double loss, State finalState) {
    }

    /** Makes the gradient step of a run, once its task and model exist. */
    @FunctionalInterface
    interface Factory {
        GradientStep create(TrainConfig config, Task task, Model model) throws IOException;
    }
}
