package io.chainrule.spark.train;

import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Batch;
import io.chainrule.examples.task.Seeds;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.train.GradientStep;
import io.chainrule.examples.train.LocalGradient;
import io.chainrule.examples.train.StrategySpec;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.rnn.State;
import io.chainrule.spark.Replica;
import io.chainrule.spark.Shard;
import io.chainrule.spark.ShardLoss;

import java.util.List;

/**
 * A replica of a {@code chainrule train} model: a shard's rows of the task's batch, differentiated
 * exactly as the single-process trainer differentiates the whole batch
 * ({@link LocalGradient#backward}, weighted by the shard's share), under the run's BPTT strategy
 * drawn for the iteration, from the shard's rows of the carried state. Dropout between layers
 * draws one mask stream a shard (with several shards the masks differ from the plain run's, so
 * such runs are reproducible but do not repeat the plain run's losses).
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
        State initial = null;   // zero
        if (carried != null) {
            Var[] parts = new Var[carried.length];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Var.constant(carried[i]);
            }
            initial = State.of(parts);
        }
        // Dropout masks (--dropout): one shard draws the plain trainer's; several draw one stream each, so
        // their masks, like the plain run's, are independent and fixed by (seed, iteration, shard), but not the same.
        long dropout = LocalGradient.dropoutSeed(config.seed(), iteration);
        Rng.current().setSeed(shard.count() == 1 ? dropout : Seeds.derive(dropout, shard.index()));
        GradientStep.Outcome o = LocalGradient.backward(task.objective(), model, b, initial,
                strategy.at(config.seed(), iteration), shard.weight());
        Tensor[] carry = new Tensor[task.streaming() && o.finalState() != null ? o.finalState().size() : 0];
        for (int i = 0; i < carry.length; i++) {
            carry[i] = o.finalState().get(i).value();
        }
        return new ShardLoss(o.loss(), carry);
    }
}
