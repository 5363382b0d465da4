package io.chainrule.spark.train;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.train.GradientStep;
import io.chainrule.rnn.State;
import io.chainrule.spark.DataParallel;

import java.util.List;

/** The trainer's gradient step computed by a {@link DataParallel} job: the driver model's gradients are the shards' sums. */
public final class SparkGradientStep implements GradientStep {
    private final DataParallel parallel;
    private final List<Var> parameters;

    public SparkGradientStep(DataParallel parallel, Model model) {
        this.parallel = parallel;
        this.parameters = List.copyOf(model.parameters().values());
    }

    @Override
    public Outcome compute(long iteration, State carried) {
        Tensor[] c = null;
        if (carried != null) {
            c = new Tensor[carried.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = carried.get(i).value();
            }
        }
        DataParallel.Result r = parallel.gradient(iteration, parameters, c);
        if (r.carry().length == 0) {
            return new Outcome(r.loss(), null);
        }
        Var[] parts = new Var[r.carry().length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Var.constant(r.carry()[i]);
        }
        return new Outcome(r.loss(), State.of(parts));
    }
}
