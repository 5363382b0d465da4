package io.chainrule.spark.train;

import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.task.Tasks;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.examples.train.Trainer;
import io.chainrule.spark.Replica;
import io.chainrule.spark.ReplicaFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Replicas of a {@code chainrule train} run, rebuilt in each executor from the run's config.json
 * text (what crosses the network: a few hundred bytes). The task is rebuilt there too: the
 * built-in tasks make their data from the seed; {@code --task text} reads {@code --file} at the
 * same path on every node, and a file that differs from the driver's (its SHA-256) is an error.
 */
public record TaskReplicaFactory(String configJson) implements ReplicaFactory {
    private static final String SOURCE = "the run's config.json, as sent to an executor";

    /** The factory of the run with this config and task. */
    public static TaskReplicaFactory of(TrainConfig config, Task task) {
        return new TaskReplicaFactory(FlatJson.format(config.toJson(task)));
    }

    @Override
    public Replica create() {
        try {
            Map<String, Object> json = FlatJson.parse(configJson, SOURCE);
            TrainConfig c = TrainConfig.fromJson(json, SOURCE);
            Task task = Tasks.create(c.task(), c.steps(), c.batch(), c.seed(), c.textFile());
            for (Map.Entry<String, String> e : task.settings().entrySet()) {
                if (!e.getValue().equals(json.get(e.getKey()))) {
                    throw new IllegalStateException("the " + task.name() + " task built on this executor differs from the "
                            + "driver's in '" + e.getKey() + "' (is " + c.textFile() + " the same file on every node?)");
                }
            }
            Model model = Model.create(c.cell(), c.architecture(), task.inputSize(), c.hidden(), task.outputSize(),
                    Trainer.modelSeed(c.seed()));
            return new TaskReplica(c, task, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
