package io.chainrule.examples.cli;

import io.chainrule.examples.check.CheckProblem;
import io.chainrule.examples.check.CheckResult;
import io.chainrule.examples.check.CheckedStrategy;
import io.chainrule.examples.check.GradientCheck;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.autodiff.Rng;
import io.chainrule.examples.model.Architecture;
import io.chainrule.examples.model.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code chainrule gradcheck}: every cell under every strategy against central finite differences. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check the BPTT gradients of every built-in cell under every strategy against central "
                + "finite differences (float64) on a small random problem.",
                "",
                "Truncated and randomized gradients are exact gradients of a surrogate objective, the loss with "
                        + "the cut edges held at their values; they are compared with finite differences of that "
                        + "surrogate. Randomized truncation is checked with its draws fixed. Checkpointed BPTT recomputes "
                        + "instead of storing and must give full BPTT's gradient.",
                "",
                "Exit status 1 if any case fails."})
public final class GradcheckCommand implements Callable<Integer> {
    static final List<String> DEFAULT_STRATEGIES = List.of("full", "truncated:3", "randomized:0.5", "checkpoint:sqrt",
            "checkpoint:slots=2");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--cell", split = ",", paramLabel = "CELL",
            description = "cells to check, comma-separated (default: all of linear,rnn,gru,lstm; rnn,gru,lstm with --layers, "
                    + "--bidirectional or --dropout)")
    List<String> cells;

    @Option(names = "--strategy", split = ",", paramLabel = "SPEC",
            description = "strategies to check, comma-separated (default: full,truncated:3,randomized:0.5,checkpoint:sqrt,"
                    + "checkpoint:slots=2)")
    List<String> strategies = new ArrayList<>(DEFAULT_STRATEGIES);

    @Option(names = "--steps", defaultValue = "8", paramLabel = "T", description = "sequence length (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--input", defaultValue = "3", paramLabel = "D", description = "input size (default: ${DEFAULT-VALUE})")
    int input;

    @Option(names = "--hidden", defaultValue = "4", paramLabel = "H", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--batch", defaultValue = "2", paramLabel = "B", description = "sequences (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
            description = "seed of the weights, data and randomized draws (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--tolerance", defaultValue = "1e-6", paramLabel = "TOL",
            description = "largest relative error that passes (GradCheck's definition; default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--true-objective",
            description = "compare with finite differences of the true loss instead of each strategy's surrogate "
                    + "(a control: truncated and randomized gradients then fail)")
    boolean trueObjective;

    @Option(names = "--layers", defaultValue = "1", paramLabel = "N",
            description = "stacked layers of each cell (rnn, gru, lstm; default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--bidirectional",
            description = "check bidirectional networks (under the strategies that differentiate whole sequences)")
    boolean bidirectional;

    @Option(names = "--dropout", defaultValue = "0", paramLabel = "P",
            description = "dropout between layers, the same masks in every evaluation (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--json", description = "print the results as a JSON array of {cell, strategy, steps, maxRelError, passed}")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (cells == null) {   // linear has no layers to stack
            cells = new ArrayList<>(layers == 1 && !bidirectional && dropout == 0 ? Model.CELLS : List.of("rnn", "gru", "lstm"));
        }
        validate();
        List<CheckedStrategy> checked = new ArrayList<>();
        for (String s : strategies) {
            try {
                checked.add(CheckedStrategy.of(s, steps, seed));
            } catch (IllegalArgumentException e) {
                throw usage("Invalid value for option '--strategy': " + e.getMessage());
            }
        }
        Architecture architecture = architecture();
        List<String> skipped = new ArrayList<>();
        if (bidirectional) {
            // a bidirectional network differentiates whole sequences: strategies that cut or scale are refused
            checked.removeIf(s -> {
                boolean cuts = java.util.Arrays.stream(s.strategy().gradientScales(steps)).anyMatch(x -> x != 1.0);
                if (cuts) {
                    skipped.add(s.spec());
                }
                return cuts;
            });
        }
        List<CheckResult> results = new ArrayList<>();
        String suffix = architecture.isOneLayer() ? "" : " x" + layers + (bidirectional ? " bi" : "")
                + (dropout > 0 ? " p=" + dropout : "");
        boolean terminal = Terminal.stderrIsTerminal();
        PrintWriter err = spec.commandLine().getErr();
        for (String cell : cells) {
            for (CheckedStrategy s : checked) {
                CheckProblem problem = new CheckProblem(cell, architecture, input, hidden, batch, steps, seed);
                Rng.current().setSeed(seed);   // the dropout masks
                results.add(GradientCheck.run(problem, cell + suffix, s, steps, tolerance, trueObjective));
                if (terminal) {   // larger problems take minutes: say how far it is
                    err.printf(Locale.ROOT, "\rchecked %d of %d cases\u001b[K", results.size(), cells.size() * checked.size());
                    err.flush();
                }
            }
        }
        if (terminal) {
            err.print("\r\u001b[K");
            err.flush();
        }
        if (!skipped.isEmpty() && !json) {
            out.println("not checked: " + String.join(", ", skipped) + " (a bidirectional network reads whole sequences "
                    + "and takes only strategies that cut nothing)");
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            results.forEach(r -> rows.add(r.toJson()));
            out.print(FlatJson.formatArray(rows));
        } else {
            print(out, checked, results, failed);
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private void print(PrintWriter out, List<CheckedStrategy> checked, List<CheckResult> results, long failed) {
        out.printf(Locale.ROOT, "chainrule gradcheck: D=%d, H=%d, B=%d, T=%d, seed %d; backward against central finite "
                + "differences of %s%n", input, hidden, batch, steps, seed,
                trueObjective ? "the true loss" : "each strategy's surrogate objective");
        for (CheckedStrategy s : checked) {
            if (s.describeDraws() != null) {
                out.println(s.describeDraws());
            }
        }
        Table table = new Table().text("cell").text("strategy").number("steps").number("max rel. error")
                .number("max |a-n|/G").text("result");
        for (CheckResult r : results) {
            table.row(r.cell(), r.strategy(), Integer.toString(r.steps()), String.format(Locale.ROOT, "%.2e", r.maxRelError()),
                    String.format(Locale.ROOT, "%.2e", r.rawError()), r.passed() ? "ok" : "FAILED");
        }
        table.print(out);
        out.println("max rel. error: GradCheck's, after the round-off allowance (0 = within rounding); "
                + "max |a-n|/G: the largest disagreement of analytic and numeric values over the gradient scale G");
        if (failed == 0) {
            out.printf(Locale.ROOT, "all %d cases passed (tolerance %.0e)%n", results.size(), tolerance);
        } else {
            out.printf(Locale.ROOT, "%d of %d cases FAILED (tolerance %.0e)%n", failed, results.size(), tolerance);
        }
    }

    private Architecture architecture() {
        try {
            Architecture a = new Architecture(layers, bidirectional, dropout);
            if (!a.isOneLayer() && cells.contains("linear")) {
                throw new IllegalArgumentException("--cell linear has no PyTorch layout to name layers by; with --layers, "
                        + "--bidirectional or --dropout check rnn, gru or lstm");
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private void validate() {
        for (String c : cells) {
            if (!Model.CELLS.contains(c)) {
                throw usage("Invalid value for option '--cell': expected one of " + Model.CELLS + " but was '" + c + "'"
                    + ClosestMatch.hint(c, Model.CELLS));
            }
        }
        bounded("--steps", steps, MAX_STEPS);
        bounded("--input", input, MAX_SIZE);
        bounded("--hidden", hidden, MAX_SIZE);
        bounded("--batch", batch, MAX_BATCH);
        if (cells.size() * (long) strategies.size() > MAX_CASES) {
            throw usage(cells.size() + " cells x " + strategies.size() + " strategies make more than " + MAX_CASES + " cases");
        }
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw usage("--tolerance must be a finite positive number, got " + tolerance);
        }
    }

    /**
     * Bounds of the problem: finite differences evaluate the loss twice for each of up to 512
     * entries of every parameter, so the cost grows fast (one LSTM case with D = H = 32, B = 8,
     * T = 100 took 15 s); at these bounds every case still takes minutes at most.
     */
    static final int MAX_SIZE = 32;
    static final int MAX_BATCH = 16;
    static final int MAX_STEPS = 200;
    static final int MAX_CASES = 100;

    private void bounded(String option, int value, int max) {
        if (value <= 0 || value > max) {
            throw usage(option + " must be from 1 to " + max + " (a gradient check is for small problems: finite "
                    + "differences evaluate the loss twice per parameter entry), got " + value);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
