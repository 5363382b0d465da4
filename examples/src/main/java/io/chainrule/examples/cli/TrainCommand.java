package io.chainrule.examples.cli;

import io.chainrule.core.kernel.Kernels;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.model.Architecture;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Tasks;
import io.chainrule.examples.task.TextTask;
import io.chainrule.examples.train.ClusterTraining;
import io.chainrule.examples.train.GradientStep;
import io.chainrule.examples.train.LocalGradient;
import io.chainrule.examples.train.Report;
import io.chainrule.examples.train.Run;
import io.chainrule.examples.train.RunDirectory;
import io.chainrule.examples.train.RunFiles;
import io.chainrule.examples.train.StrategySpec;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.examples.train.TrainingListener;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code chainrule train}: trains a recurrent model on a task and writes the run's files. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a recurrent network on a task and report what it learned.",
                "",
                "Tasks: brackets (default: next symbol of nested brackets, which needs memory of",
                "the matching opener), adding (the adding problem), copy (copy memory), sine",
                "(time-series prediction), text --file F (character-level language model).",
                "",
                "Writes into --out: config.json, model.safetensors, metrics.csv, loss.png,",
                "summary.json and the optimizer state optimizer-<iteration>.safetensors."})
public final class TrainCommand implements Callable<Integer> {
    static final List<String> RESUMABLE_OPTIONS = List.of("--out", "--iterations", "--epochs", "--progress", "--resume",
            "--spark", "--shards");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();







    @Option(names = "--strategy", defaultValue = "full", paramLabel = "SPEC",
            converter = StrategyConverter.class,
            description = {"BPTT strategy: full, truncated:TAU, randomized:PI, checkpoint:sqrt,",
                    "checkpoint:every=K or checkpoint:slots=S (default: ${DEFAULT-VALUE})"})
    StrategySpec strategy;



    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = "--iterations", paramLabel = "N", description = "optimizer steps in all (default: " + DEFAULT_ITERATIONS + ")")
        Long iterations;

        @Option(names = "--epochs", paramLabel = "E", description = "passes over the text instead (--task text only)")
        Long epochs;
    }

    static final long DEFAULT_ITERATIONS = 500;


    @Option(names = "--out", paramLabel = "DIR", description = {"run directory (default: runs/<task>-<cell>, or",
            "runs/<task>-<cell>-2, -3, ... when it holds a run)"})
    Path out;

    @Option(names = "--overwrite", description = {"replace the run in --out with a new one (the old run stays",
            "intact until the new one's first checkpoint)"})
    boolean overwrite;

    @Option(names = "--save-every", defaultValue = "100", paramLabel = "N",
            description = "iterations between checkpoints (default: ${DEFAULT-VALUE})")
    long saveEvery;

    @Option(names = "--resume", description = "continue the run saved in --out with its own settings (--iterations may raise the total)")
    boolean resume;

    @Option(names = "--progress", description = "show the progress bar on standard error even when it is not a terminal")
    boolean progress;

    @Option(names = "--layers", defaultValue = "1", paramLabel = "N",
            description = "stacked recurrent layers (rnn, gru, lstm; default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--bidirectional",
            description = "read each sequence both ways (tasks adding and copy; not those that predict the next input)")
    boolean bidirectional;

    @Option(names = "--dropout", defaultValue = "0", paramLabel = "P",
            description = "dropout between layers while training, as PyTorch's (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--spark", arity = "0..1", fallbackValue = "", paramLabel = "MASTER",
            description = {"compute each batch's gradient data-parallel on Apache Spark: local[N] (in this JVM),",
                    "spark://HOST:PORT, yarn, k8s://URL; alone, the master spark-submit set",
                    "(needs chainrule-spark.jar)"})
    String spark;

    @Option(names = "--shards", defaultValue = "0", paramLabel = "N",
            description = "with --spark: shards (tasks) per batch (default: Spark's default parallelism)")
    int shards;

    /** Hooks for tests: where checkpoints are written through, and where output goes. */
    RunFilesFactory runFiles = RunFiles::new;

    @FunctionalInterface
    interface RunFilesFactory {
        RunFiles at(Path dir);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Path defaultDir = Path.of("runs", model.task + "-" + model.cell);
        boolean terminal = Terminal.stderrIsTerminal();
        List<TrainingListener> listeners = List.of(new Progress(stdout, stderr, progress || terminal, terminal));
        Path dir;
        String note = null;
        TrainConfig config = null;
        if (resume) {
            if (overwrite) {
                throw usage("--overwrite starts a new run in --out and --resume continues the one there: give one of them");
            }
            rejectSettingsOnResume();
            dir = OutputDirectory.toResume(spec.commandLine(), out, defaultDir, RUN);
        } else {
            config = config();
            OutputDirectory chosen = OutputDirectory.choose(spec.commandLine(), out, overwrite, defaultDir, RUN, "a run", true);
            dir = chosen.dir();
            note = chosen.note();
        }
        if (spark == null) {
            if (shards != 0) {
                throw usage("--shards splits batches over Spark's tasks: it needs --spark");
            }
            return train(config, dir, note, listeners, LocalGradient::new, null);
        }
        try (ClusterTraining.Session session = cluster().connect(spark.isEmpty() ? null : spark, shards)) {
            return train(config, dir, note, listeners, session, session.describe());
        }
    }

    private ClusterTraining cluster() {
        if (shards < 0) {
            throw usage("--shards must be positive (or 0 for Spark's default parallelism), got " + shards);
        }
        return ClusterTraining.find().orElseThrow(() -> new IllegalStateException(
                "--spark needs Spark, which this chainrule.jar is built without; run the same command with "
                        + "spark/target/chainrule-spark.jar (java --add-modules jdk.incubator.vector -jar "
                        + "spark/target/chainrule-spark.jar train --spark local[2] ...), built by mvn package"));
    }

    /** Starts or resumes the run in {@code dir} with its gradients from {@code gradients}, trains it and reports. */
    private Integer train(TrainConfig config, Path dir, String note, List<TrainingListener> listeners,
                          GradientStep.Factory gradients, String engine) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Run run;
        if (resume) {
            run = Run.resume(runFiles.at(dir), resumeIterations(dir), listeners, gradients);
        } else {
            try {
                run = Run.start(config, runFiles.at(dir), listeners, overwrite, gradients);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());   // options that do not fit the task (e.g. --steps too short)
            }
        }
        if (note != null) {
            stdout.println(note);
        }
        run.notes().forEach(stdout::println);
        TrainConfig c = run.config();
        stdout.println("chainrule train: " + c.task() + ": " + run.task().describe());
        stdout.printf(Locale.ROOT, "model: %s, hidden %d, %,d parameters; %s BPTT; Adam lr %s; clip %s; batch %d x %d steps; seed %d%n",
                c.cell() + c.architecture().describe(), c.hidden(), run.model().size(), c.strategy(), c.lr(), c.clip() > 0 ? c.clip() : "off",
                c.batch(), c.steps(), c.seed());
        stdout.println("kernels: " + Kernels.describe() + "; writing to " + dir);
        if (engine != null) {
            stdout.println(engine);
        }
        Report report = run.train();
        report.lines().forEach(stdout::println);
        stdout.println("files: " + dir + "/{" + String.join(", ", RunFiles.CONFIG, RunFiles.MODEL,
                "optimizer-" + report.iterations() + ".safetensors", RunFiles.METRICS, RunFiles.PLOT, RunFiles.SUMMARY) + "}");
        stdout.flush();
        return 0;
    }

    /** What of a run a directory holds ({@link OutputDirectory.Contents}). */
    static final OutputDirectory.Contents RUN = dir -> {
        List<String> files = RunDirectory.runFiles(dir);
        return files.isEmpty() && RunDirectory.holdsRun(dir) ? List.of(RunDirectory.STAGING + " (a run being moved in)") : files;
    };

    private TrainConfig config() throws IOException {
        long iterations = length.iterations != null ? length.iterations : DEFAULT_ITERATIONS;
        if (length.epochs != null) {
            try {
                iterations = epochsToIterations(length.epochs);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        TrainConfig c = model.config(spec.commandLine(), strategy.toString(), iterations, saveEvery);
        try {
            return c.withArchitecture(new Architecture(layers, bidirectional, dropout));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private long epochsToIterations(long epochs) throws IOException {
        if (!model.task.equals("text")) {
            throw new IllegalArgumentException("--epochs needs a finite data set (--task text); the " + model.task
                    + " task draws fresh data every iteration, so give --iterations");
        }
        if (model.file == null) {
            throw new IllegalArgumentException("--task text needs --file FILE (a UTF-8 text file)");
        }
        return textIterations(epochs, model.file, model.steps, model.batch);
    }

    private Long resumeIterations(Path dir) throws IOException {
        if (length.epochs == null) {
            return length.iterations;
        }
        Path saved = dir.resolve(RunFiles.CONFIG);
        TrainConfig c = TrainConfig.fromJson(FlatJson.read(saved), saved.toString());
        if (!c.task().equals("text")) {
            throw usage("--epochs needs a finite data set (--task text); the saved run is " + c.task());
        }
        try {
            return textIterations(length.epochs, c.textFile(), c.steps(), c.batch());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** Iterations in {@code epochs} passes over a text file. */
    private static long textIterations(long epochs, Path file, int steps, int batch) throws IOException {
        if (epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be positive, got " + epochs);
        }
        long perEpoch = new TextTask(file, steps, batch).chunksPerEpoch();
        if (perEpoch > Long.MAX_VALUE / epochs) {
            throw new IllegalArgumentException("--epochs " + epochs + " of " + perEpoch + " batches each is more than "
                    + Long.MAX_VALUE + " iterations");
        }
        return epochs * perEpoch;
    }

    private void rejectSettingsOnResume() {
        for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!RESUMABLE_OPTIONS.contains(o.longestName())) {
                throw usage("--resume continues a run with the settings saved in its config.json; "
                        + o.longestName() + " cannot be changed (drop it, or start a new run without --resume)");
            }
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** --strategy values, checked when the command line is parsed. */
    static final class StrategyConverter implements CommandLine.ITypeConverter<StrategySpec> {
        @Override
        public StrategySpec convert(String value) {
            try {
                return StrategySpec.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
