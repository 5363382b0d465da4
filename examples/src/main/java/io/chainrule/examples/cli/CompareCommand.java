package io.chainrule.examples.cli;

import io.chainrule.core.kernel.Kernels;
import io.chainrule.examples.compare.Comparison;
import io.chainrule.examples.compare.ComparisonPlot;
import io.chainrule.examples.compare.StrategyRun;
import io.chainrule.core.io.AtomicFile;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.plot.LossPlot;
import io.chainrule.examples.task.Metric;
import io.chainrule.examples.train.Report;
import io.chainrule.examples.train.RunDirectory;
import io.chainrule.examples.train.StrategySpec;
import io.chainrule.examples.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code chainrule compare}: the same model, data and seed trained under each BPTT strategy. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The chapter's comparison of strategies, run for real: train the same model on the same data "
                + "from the same seed under full BPTT, regular truncation, randomized truncation and checkpointed "
                + "BPTT, and report each one's final losses, training time and peak of saved activations (the "
                + "engine's Memory account).",
                "",
                "On the default brackets task a closing bracket needs its opener, at least 6 symbols back: "
                        + "truncated:4 cuts every gradient path that long. Checkpointing recomputes instead of storing: "
                        + "its training is bitwise that of full BPTT, with less memory and more time.",
                "",
                "Writes compare.png (every loss curve), compare.json and one run directory per strategy into --out."})
public final class CompareCommand implements Callable<Integer> {
    static final String PLOT = "compare.png";
    static final String JSON = "compare.json";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--strategies", split = ",", paramLabel = "SPEC",
            description = "strategies, comma-separated (default: full,truncated:4,randomized:0.75,checkpoint:sqrt)")
    List<String> strategies = new ArrayList<>(List.of("full", "truncated:4", "randomized:0.75", "checkpoint:sqrt"));







    @Option(names = "--iterations", defaultValue = "1000", paramLabel = "N",
            description = "optimizer steps per strategy (default: ${DEFAULT-VALUE})")
    long iterations;




    @Option(names = "--out", paramLabel = "DIR", description = {"output directory (default: runs/compare-<task>-<cell>,",
            "or -2, -3, ... after it when it holds an earlier comparison)"})
    Path out;

    @Option(names = "--overwrite", description = "replace the comparison in --out (each run stays until its replacement's first checkpoint)")
    boolean overwrite;

    /** The most strategies one comparison trains (each is a whole training run). */
    static final int MAX_STRATEGIES = 10;

    @Option(names = "--progress", description = "show a progress bar on standard error even when it is not a terminal")
    boolean progress;

    @Override
    public Integer call() throws IOException {
        TrainConfig base = config();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        OutputDirectory chosen = OutputDirectory.choose(spec.commandLine(), out, overwrite,
                Path.of("runs", "compare-" + base.task() + "-" + base.cell()), CompareCommand::contents, "a comparison", false);
        Path dir = chosen.dir();
        boolean terminal = Terminal.stderrIsTerminal();
        if (chosen.note() != null) {
            stdout.println(chosen.note());
        }
        stdout.printf(Locale.ROOT, "chainrule compare: %s task, %s, hidden %d; batch %d x %d steps; %d iterations per "
                + "strategy; Adam lr %s; clip %s; seed %d%n", base.task(), base.cell(), base.hidden(), base.batch(),
                base.steps(), iterations, base.lr(), base.clip() > 0 ? base.clip() : "off", base.seed());
        stdout.println("kernels: " + Kernels.describe() + "; writing to " + dir);
        stdout.flush();
        List<StrategyRun> runs = new ArrayList<>();
        for (String s : strategies) {
            Progress bar = new Progress(new PrintWriter(Writer.nullWriter()), stderr, progress || terminal, terminal);
            StrategyRun r;
            try {
                r = Comparison.run(base, s, dir, List.of(bar), overwrite);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());   // options that do not fit the task (e.g. --steps too short)
            }
            runs.add(r);
            Metric accuracy = r.accuracy();
            stdout.printf(Locale.ROOT, "%s: held-out loss %.4f%s, %.1f s, peak saved %s%n", s, r.report().value("loss"),
                    accuracy == null ? "" : ", " + accuracy.label() + " " + accuracy.formatted(), r.report().seconds(),
                    megabytes(r.peakSavedBytes()));
            stdout.flush();
        }
        printTable(stdout, runs);
        Report first = runs.get(0).report();
        List<LossPlot.Reference> references = new ArrayList<>();
        references.add(new LossPlot.Reference("best constant prediction", first.value("constant_loss")));
        if (first.has("optimal_loss")) {
            references.add(new LossPlot.Reference("best possible", first.value("optimal_loss")));
        }
        ComparisonPlot.write(dir.resolve(PLOT), base.task() + ", " + base.cell() + " H=" + base.hidden() + ": training loss under each BPTT strategy",
                "training loss (moving average)", runs, references);
        List<Map<String, Object>> json = new ArrayList<>();
        runs.forEach(r -> json.add(r.toJson()));
        AtomicFile.writeString(dir.resolve(JSON), FlatJson.formatArray(json));
        stdout.println("files: " + dir + "/{" + PLOT + ", " + JSON + "} and a run directory per strategy");
        stdout.flush();
        return 0;
    }

    private void printTable(PrintWriter stdout, List<StrategyRun> runs) {
        Metric accuracy = runs.get(0).accuracy();
        Table table = new Table().text("strategy").number("train loss").number("held-out loss");
        if (accuracy != null) {
            table.number(accuracy.label());
        }
        table.number("time (s)").number("peak saved (MB)");
        for (StrategyRun r : runs) {
            List<String> row = new ArrayList<>(List.of(r.strategy(), String.format(Locale.ROOT, "%.4f", r.report().trainLoss()),
                    String.format(Locale.ROOT, "%.4f", r.report().value("loss"))));
            if (accuracy != null) {
                row.add(r.accuracy().formatted());
            }
            row.add(String.format(Locale.ROOT, "%.1f", r.report().seconds()));
            row.add(String.format(Locale.ROOT, "%.2f", r.peakSavedBytes() / 1e6));
            table.row(row.toArray(new String[0]));
        }
        stdout.println();
        table.print(stdout);
        Report first = runs.get(0).report();
        StringBuilder refs = new StringBuilder(String.format(Locale.ROOT, "best constant prediction %.4f",
                first.value("constant_loss")));
        if (first.has("optimal_loss")) {
            refs.append(String.format(Locale.ROOT, "; best possible %.4f", first.value("optimal_loss")));
        }
        for (Metric m : first.metrics()) {
            if (m.key().endsWith("_chance")) {
                refs.append("; ").append(m.label()).append(' ').append(m.formatted());
            }
        }
        stdout.println(refs);
        StrategyRun full = runs.stream().filter(r -> r.strategy().equals("full")).findFirst().orElse(null);
        for (StrategyRun r : runs) {
            if (full != null && r != full && r.bitwiseSameTraining(full)) {
                stdout.println(r.strategy() + " trained bitwise like full (the same loss and gradient norm at every iteration)");
            }
        }
    }

    /** What of a comparison {@code dir} holds: its table and plot, and its subdirectories that hold runs. */
    static List<String> contents(Path dir) throws IOException {
        List<String> held = new ArrayList<>();
        for (String f : List.of(JSON, PLOT)) {
            if (Files.exists(dir.resolve(f))) {
                held.add(f);
            }
        }
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path p : s) {
                    if (RunDirectory.holdsRun(p)) {
                        held.add(p.getFileName() + "/");
                    }
                }
            }
        }
        held.sort(null);
        return held;
    }

    private TrainConfig config() {
        if (strategies.isEmpty() || new HashSet<>(strategies).size() != strategies.size()) {
            throw usage("--strategies must name each strategy once, got " + strategies);
        }
        if (strategies.size() > MAX_STRATEGIES) {
            throw usage("--strategies names " + strategies.size() + " strategies; a comparison trains at most "
                    + MAX_STRATEGIES + " (each is a whole training run)");
        }
        for (String s : strategies) {
            try {
                StrategySpec.parse(s);
            } catch (IllegalArgumentException e) {
                throw usage("Invalid value for option '--strategies': " + e.getMessage());
            }
        }
        return model.config(spec.commandLine(), "full", iterations, iterations);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
