package io.chainrule.examples.train;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.task.Batch;
import io.chainrule.examples.task.Objective;
import io.chainrule.examples.task.SourcedBatch;

/** The loss of one scored step: cross-entropy over the batch's rows or mean squared error. */
public final class StepLosses {
    private StepLosses() {
    }

    public static Var at(Objective objective, Batch batch, int t, Var output) {
        return at(objective, batch.classes(), batch.values(), t, output);
    }

    /** The loss of step t of a batch whose inputs come a chunk at a time. */
    public static Var at(Objective objective, SourcedBatch batch, int t, Var output) {
        return at(objective, batch.classes(), batch.values(), t, output);
    }

    /** The loss of step t against class targets {@code classes[t]} or value targets {@code values[t]} (in the output's dtype). */
    private static Var at(Objective objective, int[][] classes, Tensor[] values, int t, Var output) {
        return objective == Objective.CLASSIFICATION
                ? Losses.crossEntropy(output, classes[t])
                : Losses.mse(output, Var.constant(values[t]));
    }

    public static String describe(Objective objective) {
        return objective == Objective.CLASSIFICATION ? "cross-entropy, nats per symbol" : "mean squared error";
    }
}
