package io.chainrule.examples.train;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.examples.task.Batch;
import io.chainrule.examples.task.Objective;

/** The loss of one scored step: cross-entropy over the batch's rows or mean squared error. */
public final class StepLosses {
    private StepLosses() {
    }

    public static Var at(Objective objective, Batch batch, int t, Var output) {
        return objective == Objective.CLASSIFICATION
                ? Losses.crossEntropy(output, batch.classes()[t])
                : Losses.mse(output, Var.constant(batch.values()[t]));
    }

    public static String describe(Objective objective) {
        return objective == Objective.CLASSIFICATION ? "cross-entropy, nats per symbol" : "mean squared error";
    }
}
