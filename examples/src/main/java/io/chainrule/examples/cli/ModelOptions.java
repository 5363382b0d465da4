package io.chainrule.examples.cli;

import io.chainrule.examples.task.Tasks;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options that say what is trained, shared by {@code train} and {@code compare} (a picocli
 * mixin): task, data file, cell, sizes, clipping, learning rate and seed.
 */
final class ModelOptions {

    @Option(names = "--task", defaultValue = "brackets", paramLabel = "TASK",
            description = "brackets, adding, copy, sine or text (default: ${DEFAULT-VALUE})")
    String task;

    @Option(names = "--file", paramLabel = "FILE", description = "the UTF-8 text file of --task text")
    Path file;

    @Option(names = "--cell", defaultValue = "gru", paramLabel = "CELL",
            description = "linear, rnn (tanh RNN), gru or lstm (default: ${DEFAULT-VALUE})")
    String cell;

    @Option(names = "--hidden", defaultValue = "48", paramLabel = "H", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "sequences per batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "50", paramLabel = "T",
            description = "sequence length T: steps per batch (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--clip", defaultValue = "1.0", paramLabel = "NORM",
            description = "clip the global gradient norm to NORM; 0 turns clipping off (default: ${DEFAULT-VALUE})")
    double clip;

    @Option(names = "--lr", defaultValue = "0.02", paramLabel = "RATE", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
            description = "seed of the initial parameters, the data and random truncation (default: ${DEFAULT-VALUE})")
    long seed;

    /**
     * The training configuration for these options; a task or cell name that does not exist, or
     * sizes that do not fit the task, are usage errors naming the option.
     */
    TrainConfig config(CommandLine cmd, String strategy, long iterations, long saveEvery) {
        if (!Tasks.NAMES.contains(task)) {
            throw new CommandLine.ParameterException(cmd,
                    "Invalid value for option '--task': expected one of " + Tasks.NAMES + " but was '" + task + "'"
                    + ClosestMatch.hint(task, Tasks.NAMES));
        }
        if (!Model.CELLS.contains(cell)) {
            throw new CommandLine.ParameterException(cmd,
                    "Invalid value for option '--cell': expected one of " + Model.CELLS + " but was '" + cell + "'"
                    + ClosestMatch.hint(cell, Model.CELLS));
        }
        try {
            return new TrainConfig(task, file, cell, hidden, batch, steps, strategy, clip, lr, seed, iterations, saveEvery);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }
}
