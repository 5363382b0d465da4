package io.chainrule.spark.train;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Batch;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.train.GradientStep;
import io.chainrule.examples.train.LocalGradient;
import io.chainrule.examples.train.StrategySpec;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.spark.Replica;
import io.chainrule.spark.Shard;
import io.chainrule.spark.ShardLoss;

import java.util.List;

/**
 * A replica of a {@code chainrule train} model: a shard's rows of the task's batch, differentiated
 * exactly as the single-process trainer differentiates the whole batch
 * ({@link LocalGradient#backward}, weighted by the shard's share), under the run's BPTT strategy
 * drawn for the iteration, from the shard's rows of the carried state.
 */
final class TaskReplica implements Replica {
    private final TrainConfig config;
    private final Task task;
    private final Model model;
    private final List<Var> parameters;
    private final StrategySpec strategy;

    TaskReplica(TrainConfig config, Task task, Model model) {
        this.config = config;
        this.task = task;
        this.model = model;
        this.parameters = List.copyOf(model.parameters().values());
        this.strategy = StrategySpec.parse(config.strategy());
    }

    @Override
    public List<Var> parameters() {
        return parameters;
    }

    @Override
    public ShardLoss differentiate(long iteration, Shard shard, Tensor[] carried) {
        Batch b = task.batch(iteration, shard.from(), shard.to());
        State initial;
        if (carried == null) {
            initial = Unroll.zeroState(model.cell(), shard.rows());
        } else {
            Var[] parts = new Var[carried.length];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Var.constant(carried[i]);
            }
            initial = State.of(parts);
        }
        GradientStep.Outcome o = LocalGradient.backward(task.objective(), model, b, initial,
                strategy.at(config.seed(), iteration), shard.weight());
        Tensor[] carry = new Tensor[task.streaming() ? o.finalState().size() : 0];
        for (int i = 0; i < carry.length; i++) {
            carry[i] = o.finalState().get(i).value();
        }
        return new ShardLoss(o.loss(), carry);
    }
}
