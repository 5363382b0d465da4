package io.chainrule.examples.cli;

import io.chainrule.examples.diagnose.CurvesCsv;
import io.chainrule.examples.diagnose.GradientCurve;
import io.chainrule.examples.diagnose.ModelGradients;
import io.chainrule.examples.diagnose.RadiusSweep;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.plot.LinePlot;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.task.Tasks;
import io.chainrule.examples.train.Run;
import io.chainrule.examples.train.RunDirectory;
import io.chainrule.examples.train.RunFiles;
import io.chainrule.examples.train.SavedModel;
import io.chainrule.examples.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code chainrule diagnose}: vanishing and exploding gradients, for chosen spectral radii and for a trained model. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show how much gradient reaches each step back in time: ||dL/dh_t|| when only the last "
                + "step's output is in the loss.",
                "",
                "First for the chapter's linear RNN with a symmetric W_hh scaled to each spectral radius rho "
                        + "(the norm changes by about rho per step back: vanishing below 1, exploding above), then for "
                        + "a trained model (--run DIR from 'train --out DIR', or a small GRU trained on brackets on the "
                        + "spot), with the spectral radius of each gate block of its recurrent weight.",
                "",
                "Writes gradients.png (log scale) and gradients.csv into --out."})
public final class DiagnoseCommand implements Callable<Integer> {
    static final String PLOT = "gradients.png";
    static final String CSV = "gradients.csv";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rho", split = ",", paramLabel = "RHO",
            description = "spectral radii of W_hh, comma-separated (default: 0.5,0.9,1.0,1.1,1.5)")
    List<Double> radii = new ArrayList<>(List.of(0.5, 0.9, 1.0, 1.1, 1.5));

    @Option(names = "--steps", defaultValue = "50", paramLabel = "T", description = "sequence length (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--hidden", defaultValue = "16", paramLabel = "H",
            description = "hidden size of the linear RNN and of a model trained here (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--run", paramLabel = "DIR", description = "a 'train --out DIR' run to diagnose (config.json and model.safetensors)")
    Path run;

    @Option(names = "--train-iterations", defaultValue = "300", paramLabel = "N",
            description = "without --run: iterations of the GRU trained on brackets here (default: ${DEFAULT-VALUE})")
    long trainIterations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "seed of weights and data (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "DIR",
            description = {"where gradients.png and gradients.csv go (default: runs/diagnose, or -2, -3, ...",
                    "after it when it holds an earlier diagnosis)"})
    Path out;

    @Option(names = "--overwrite", description = "replace the diagnosis (and the model trained for it) in --out")
    boolean overwrite;

    /** Bounds: the spectral radii come from an H x H eigendecomposition (cubic in H); each rho is one curve. */
    static final int MAX_HIDDEN = 1024;
    static final int MAX_STEPS = 100_000;
    static final int MAX_RADII = 20;
    static final long MAX_TRAIN_ITERATIONS = 100_000;

    @Override
    public Integer call() throws IOException {
        validate();
        PrintWriter stdout = spec.commandLine().getOut();
        OutputDirectory chosen = OutputDirectory.choose(spec.commandLine(), out, overwrite, Path.of("runs", "diagnose"),
                DiagnoseCommand::contents, "a diagnosis", false);
        Path out = chosen.dir();
        if (chosen.note() != null) {
            stdout.println(chosen.note());
        }
        Files.createDirectories(out);
        List<GradientCurve> curves = new ArrayList<>();
        stdout.printf(Locale.ROOT, "chainrule diagnose: ||dL/dh_t|| with the loss on the last step only (t = %d), T = %d%n",
                steps - 1, steps);
        stdout.printf(Locale.ROOT, "linear RNN, H = %d, symmetric W_hh with spectral radius rho:%n", hidden);
        Table table = new Table().number("rho").number("spectral radius").number("||dL/dh_" + (steps - 1) + "||")
                .number("||dL/dh_0||").number("factor per step back").text("first overflow");
        for (double rho : radii) {
            RadiusSweep.Result r = RadiusSweep.linearRnn(rho, hidden, steps, seed);
            GradientCurve c = r.curve();
            curves.add(c);
            table.row(Double.toString(rho), fixed(r.spectralRadius()), sci(c.atLoss()), sci(c.atStart()), fixed(c.perStepFactor()),
                    c.firstNonFiniteState() < 0 ? "none" : "step " + c.firstNonFiniteState());
        }
        table.print(stdout);
        stdout.println("(factor per step back: (||dL/dh_0|| / ||dL/dh_m||)^(1/m), m = (T-1)/2, far from the loss)");

        Trained trained = trained(stdout, out);
        GradientCurve tc = ModelGradients.lastStepLoss("trained " + trained.model.cellName() + " (" + trained.task.name() + ")",
                trained.model, trained.task, trained.task.evalBatches().get(0));
        curves.add(tc);
        StringBuilder gates = new StringBuilder();
        for (ModelGradients.GateRadius g : ModelGradients.gateRadii(trained.model)) {
            gates.append(gates.length() == 0 ? "" : ", ").append(g.gate()).append(' ').append(fixed(g.radius()));
        }
        stdout.println("  spectral radius of each gate block of W_hh: " + gates);
        stdout.printf(Locale.ROOT, "  ||dL/dh_%d|| %s, ||dL/dh_0|| %s, factor per step back %s (held-out batch of %d)%n",
                steps - 1, sci(tc.atLoss()), sci(tc.atStart()), fixed(tc.perStepFactor()),
                trained.task.evalBatches().get(0).batchSize());

        List<LinePlot.Series> series = new ArrayList<>();
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            t[i] = i;
        }
        for (GradientCurve c : curves) {
            series.add(new LinePlot.Series(c.name(), t, c.norms()));
        }
        LinePlot.write(out.resolve(PLOT), "Gradient reaching step t from the loss at step " + (steps - 1), "t",
                "||dL/dh_t|| (log scale)", true, series, List.of());
        CurvesCsv.write(out.resolve(CSV), curves);
        stdout.println("files: " + out + "/{" + PLOT + ", " + CSV + "}");
        stdout.flush();
        return 0;
    }

    private record Trained(Model model, Task task) {
    }

    /** The model of --run, or a GRU trained on brackets now (into OUT/model). */
    private Trained trained(PrintWriter stdout, Path out) throws IOException {
        if (run != null) {
            SavedModel saved = SavedModel.load(run);
            TrainConfig c = saved.config();
            Task task;
            try {
                task = Tasks.create(c.task(), steps, c.batch(), c.seed(), c.textFile());
            } catch (IllegalArgumentException e) {
                throw usage("the " + c.task() + " task of " + run + " cannot make sequences of --steps " + steps + ": "
                        + e.getMessage());
            }
            stdout.printf(Locale.ROOT, "trained model: %s, hidden %d, %s task, iteration %d of %s:%n", c.cell(),
                    c.hidden(), c.task(), saved.iteration(), run);
            return new Trained(saved.model(), task);
        }
        Path dir = out.resolve("model");
        TrainConfig c = new TrainConfig("brackets", null, "gru", hidden, 16, steps, "full", 1.0, 0.02, seed,
                trainIterations, trainIterations);
        boolean terminal = Terminal.stderrIsTerminal();
        Run r;
        try {
            r = Run.start(c, new RunFiles(dir), List.of(new Progress(new PrintWriter(Writer.nullWriter()),
                    spec.commandLine().getErr(), terminal, terminal)), overwrite);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        var report = r.train();
        stdout.printf(Locale.ROOT, "trained model: gru, hidden %d, brackets task, %d iterations here (held-out loss %.4f; "
                + "best constant %.4f), saved in %s:%n", hidden, trainIterations, report.value("loss"),
                report.value("constant_loss"), dir);
        return new Trained(r.model(), r.task());
    }

    /** What of a diagnosis {@code dir} holds: its plot and table, and the files of the model trained for it. */
    static List<String> contents(Path dir) throws IOException {
        List<String> held = new ArrayList<>();
        for (String f : List.of(CSV, PLOT)) {
            if (Files.exists(dir.resolve(f))) {
                held.add(f);
            }
        }
        if (RunDirectory.holdsRun(dir.resolve("model"))) {
            held.add("model/");
        }
        return held;
    }

    private void validate() {
        if (steps < 3 || steps > MAX_STEPS) {
            throw usage("--steps must be from 3 (a factor per step needs two steps apart from the loss) to " + MAX_STEPS
                    + ", got " + steps);
        }
        if (hidden <= 0 || hidden > MAX_HIDDEN) {
            throw usage("--hidden must be from 1 to " + MAX_HIDDEN + " (the spectral radii need an H x H eigendecomposition, "
                    + "whose cost grows as H^3), got " + hidden);
        }
        if (trainIterations <= 0 || trainIterations > MAX_TRAIN_ITERATIONS) {
            throw usage("--train-iterations must be from 1 to " + MAX_TRAIN_ITERATIONS + " (the model trained here is a "
                    + "quick stand-in: train a longer one with 'chainrule train' and pass --run), got " + trainIterations);
        }
        if (radii.size() > MAX_RADII) {
            throw usage("--rho gives " + radii.size() + " values; at most " + MAX_RADII + " curves fit one plot");
        }
        for (double rho : radii) {
            if (!(rho > 0) || Double.isInfinite(rho)) {
                throw usage("--rho values must be finite and positive, got " + rho);
            }
        }
    }

    private static String fixed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a";
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
