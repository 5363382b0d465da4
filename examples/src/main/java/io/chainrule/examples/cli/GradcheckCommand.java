package io.chainrule.examples.cli;

import io.chainrule.examples.check.CheckResult;
import io.chainrule.examples.check.CheckedStrategy;
import io.chainrule.examples.check.GradientCheck;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.model.Model;
import io.chainrule.rnn.testing.CellProblem;
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
            description = "cells to check, comma-separated (default: all of linear,rnn,gru,lstm)")
    List<String> cells = new ArrayList<>(Model.CELLS);

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

    @Option(names = "--json", description = "print the results as a JSON array of {cell, strategy, steps, maxRelError, passed}")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        validate();
        List<CheckedStrategy> checked = new ArrayList<>();
        for (String s : strategies) {
            try {
                checked.add(CheckedStrategy.of(s, steps, seed));
            } catch (IllegalArgumentException e) {
                throw usage("Invalid value for option '--strategy': " + e.getMessage());
            }
        }
        List<CheckResult> results = new ArrayList<>();
        for (String cell : cells) {
            for (CheckedStrategy s : checked) {
                CellProblem problem = GradientCheck.problem(cell, input, hidden, batch, steps, seed);
                results.add(GradientCheck.run(problem, cell, s, steps, tolerance, trueObjective));
            }
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

    private void validate() {
        for (String c : cells) {
            if (!Model.CELLS.contains(c)) {
                throw usage("Invalid value for option '--cell': expected one of " + Model.CELLS + " but was '" + c + "'");
            }
        }
        positive("--steps", steps);
        positive("--input", input);
        positive("--hidden", hidden);
        positive("--batch", batch);
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw usage("--tolerance must be a finite positive number, got " + tolerance);
        }
    }

    private void positive(String option, int value) {
        if (value <= 0) {
            throw usage(option + " must be positive, got " + value);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
