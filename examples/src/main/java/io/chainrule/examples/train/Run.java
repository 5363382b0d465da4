package io.chainrule.examples.train;

import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.plot.LossPlot;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.task.Tasks;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A training run in a directory: started fresh or resumed from its last checkpoint, then trained and evaluated. */
public final class Run {
    private final TrainConfig config;
    private final Task task;
    private final Model model;
    private final RunFiles files;
    private final Trainer trainer;
    private final List<String> notes = new ArrayList<>();

    private Run(TrainConfig config, Task task, Model model, RunFiles files, List<TrainingListener> listeners,
                GradientStep gradients) {
        this.config = config;
        this.task = task;
        this.model = model;
        this.files = files;
        this.trainer = new Trainer(config, task, model, files, listeners, gradients);
    }

    /**
     * A new run in {@code files.dir()}, which must not hold a run unless {@code replace} (see
     * {@link RunDirectory}): the new run is staged until its first checkpoint, so a run already
     * there is replaced only then, and a new run that fails or is killed before leaves the
     * directory as it was. A configuration with an array larger than Java allows is an
     * IllegalArgumentException naming the options; one that does not fit the heap an
     * IllegalStateException with the estimate ({@link MemoryEstimate}).
     */
    public static Run start(TrainConfig config, RunFiles files, List<TrainingListener> listeners, boolean replace)
            throws IOException {
        return start(config, files, listeners, replace, LocalGradient::new);
    }

    /** {@link #start(TrainConfig, RunFiles, List, boolean)} with the gradients from {@code gradients} (e.g. a cluster's). */
    public static Run start(TrainConfig config, RunFiles files, List<TrainingListener> listeners, boolean replace,
                            GradientStep.Factory gradients) throws IOException {
        List<String> notes = RunDirectory.tidy(files.dir());
        if (!replace && RunDirectory.holdsRun(files.dir())) {
            throw new IllegalStateException(files.dir() + " holds a run (" + String.join(", ", RunDirectory.runFiles(files.dir()))
                    + "); resume it, or replace it explicitly");
        }
        StrategySpec.parse(config.strategy());
        Task task = Tasks.create(config.task(), config.steps(), config.batch(), config.seed(), config.textFile());
        MemoryEstimate.requireArraysFit(config, task.inputSize(), task.outputSize());
        MemoryEstimate.of(config, task).requireFits("this run");
        Model model = model(config, task);
        GradientStep step = gradients.create(config, task, model);   // before anything is staged
        files.stage();
        try {
            FlatJson.write(files.config(), config.toJson(task));
        } catch (IOException | RuntimeException e) {
            try {
                files.discardStaged();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        Run run = new Run(config, task, model, files, listeners, step);
        run.notes.addAll(notes);
        return run;
    }

    /** {@link #start(TrainConfig, RunFiles, List, boolean)} in a directory that holds no run. */
    public static Run start(TrainConfig config, RunFiles files, List<TrainingListener> listeners) throws IOException {
        return start(config, files, listeners, false);
    }

    /**
     * Continues the run saved in {@code files.dir()} from its last checkpoint, with its saved
     * config; {@code iterations}, when not null, is a new total. What an interrupted process
     * left is tidied first ({@link RunDirectory#tidy}); every problem with a file names it.
     */
    public static Run resume(RunFiles files, Long iterations, List<TrainingListener> listeners) throws IOException {
        return resume(files, iterations, listeners, LocalGradient::new);
    }

    /** {@link #resume(RunFiles, Long, List)} with the gradients from {@code gradients} (e.g. a cluster's). */
    public static Run resume(RunFiles files, Long iterations, List<TrainingListener> listeners,
                             GradientStep.Factory gradients) throws IOException {
        List<String> notes = RunDirectory.tidy(files.dir());
        Map<String, Object> json;
        try {
            json = FlatJson.read(files.config());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(files.config().toString(), null, "nothing to resume in " + files.dir());
        }
        TrainConfig config = TrainConfig.fromJson(json, files.config().toString());
        long savedTotal = config.iterations();
        if (iterations != null) {
            config = config.withIterations(iterations);
        }
        Task task;
        try {
            task = Tasks.create(config.task(), config.steps(), config.batch(), config.seed(), config.textFile());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(files.config() + ": its settings make no " + config.task() + " task: "
                    + e.getMessage(), e);
        }
        for (Map.Entry<String, String> e : task.settings().entrySet()) {
            if (!e.getValue().equals(json.get(e.getKey()))) {
                throw new IllegalArgumentException("cannot resume: '" + e.getKey() + "' of the " + task.name()
                        + " task differs from the one in " + files.config() + " (did the input file change?)");
            }
        }
        try {
            MemoryEstimate.requireArraysFit(config, task.inputSize(), task.outputSize(), true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(files.config() + ": " + e.getMessage(), e);
        }
        MemoryEstimate.of(config, task).requireFits("resuming " + files.dir());
        Model model = model(config, task);
        Checkpoint c = files.load();
        if (c.iteration() >= config.iterations()) {
            throw new IllegalArgumentException("the run in " + files.dir() + " has already done " + c.iteration()
                    + " of its " + config.iterations() + " iterations; pass --iterations N with N > " + c.iteration()
                    + " to continue it");
        }
        Run run = new Run(config, task, model, files, listeners, gradients.create(config, task, model));
        run.trainer.restore(c, MetricsCsv.read(files.metrics(), Math.max(savedTotal, config.iterations())));
        FlatJson.write(files.config(), config.toJson(task));
        run.notes.addAll(notes);
        return run;
    }

    /** The run's model, freshly initialized; a bidirectional one only for a task that reads whole sequences. */
    private static Model model(TrainConfig config, Task task) {
        if (config.architecture().bidirectional() && task.streaming()) {
            throw new IllegalArgumentException("--bidirectional: a bidirectional model reads each sequence from both ends, "
                    + "so it cannot predict the next " + (task.name().equals("sine") ? "value" : "symbol")
                    + " (the " + task.name() + " task's target at step t is the input at t+1, which the reverse direction "
                    + "would already have read) nor carry its state into the next batch; use it on a task that answers "
                    + "after reading the whole sequence: --task adding or --task copy");
        }
        return Model.create(config.cell(), config.architecture(), task.inputSize(), config.hidden(), task.outputSize(),
                Trainer.modelSeed(config.seed()));
    }

    /** What was tidied in the directory before this run started (lines for people), e.g. stale temporary files removed. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public TrainConfig config() {
        return config;
    }

    public Task task() {
        return task;
    }

    public Model model() {
        return model;
    }

    /** One row per iteration trained so far (loss, gradient norm, seconds). */
    public List<MetricsRow> rows() {
        return List.copyOf(trainer.rows());
    }

    /** Trains to the configured number of iterations, evaluates, and writes summary.json and the final plot. */
    public Report train() throws IOException {
        try {
            trainer.run();
        } catch (IOException | RuntimeException | Error e) {
            try {
                files.discardStaged();   // a new run that never reached a checkpoint leaves nothing behind
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        List<MetricsRow> rows = trainer.rows();
        int tail = Math.max(1, rows.size() / 10);
        double sum = 0;
        for (MetricsRow r : rows.subList(rows.size() - tail, rows.size())) {
            sum += r.loss();
        }
        Report report = new Report(task.name(), model.cellName(), trainer.iteration(),
                rows.get(rows.size() - 1).seconds(), (long) config.steps() * config.batch(), sum / tail,
                Evaluator.evaluate(task, model));
        List<LossPlot.Reference> lines = new ArrayList<>(List.of(
                new LossPlot.Reference("best constant prediction", report.value("constant_loss")),
                new LossPlot.Reference("held-out loss", report.value("loss"))));
        if (report.has("optimal_loss")) {
            lines.add(new LossPlot.Reference("best possible", report.value("optimal_loss")));
        }
        trainer.plot(lines);
        FlatJson.write(files.summary(), report.toJson());
        return report;
    }
}
