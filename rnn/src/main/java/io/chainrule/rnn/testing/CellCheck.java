package io.chainrule.rnn.testing;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.bptt.SurrogateObjective;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Checks a cell's BPTT gradients against central finite differences under every kind of strategy,
 * in one call: the gradients of every parameter of the cell, of an output layer on it and of the
 * initial state, for each strategy compared with the finite differences of the objective that
 * strategy differentiates (its surrogate, {@link SurrogateObjective}: the true loss for full and
 * checkpointed BPTT, the cut edges held constant for truncated and randomized ones).
 *
 * <pre>{@code
 * CellCheck.check(new MyCell(3, 4, seed), seed).assertClose(1e-6);
 * }</pre>
 *
 * A failure names the strategy, the parameter, the entry and both values. Needs no jqwik; with it,
 * {@link RnnArbitraries} generates the sizes, cells and strategies.
 */
public final class CellCheck {
    private CellCheck() {
    }

    /** Steps of the problem {@link #check(Cell, long)} builds. */
    public static final int STEPS = 6;
    /** Batch of the problem {@link #check(Cell, long)} builds. */
    public static final int BATCH = 2;

    /**
     * Checks {@code cell} on a random problem ({@link CellProblem#random}, batch {@value #BATCH},
     * {@value #STEPS} steps, data from {@code seed}) under {@link #everyStrategy}.
     */
    public static Report check(Cell cell, long seed) {
        return check(CellProblem.random(cell, BATCH, STEPS, seed), everyStrategy(STEPS, seed));
    }

    /** Checks {@code problem} under each of {@code strategies}, with {@link GradCheck}'s default options. */
    public static Report check(CellProblem problem, List<BpttStrategy> strategies) {
        if (problem == null || strategies == null || strategies.isEmpty()) {
            throw new IllegalArgumentException("need a problem and at least one strategy");
        }
        List<StrategyReport> out = new ArrayList<>();
        for (BpttStrategy s : strategies) {
            out.add(new StrategyReport(s.name(), GradCheck.check(problem.surrogate(s), problem.parameters())));
        }
        return new Report(problem.cell().name(), out);
    }

    /**
     * One strategy of each kind for a sequence of {@code steps} steps: full, truncated every 2 and
     * every 3 steps, randomized truncation (π = 0.5, seeded) and a user-style strategy that scales
     * the gradient by 0.5 every other step, and each of the last three recomputed under a
     * checkpoint schedule (Griewank's with one slot, every 2 steps, √T).
     */
    public static List<BpttStrategy> everyStrategy(int steps, long seed) {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        BpttStrategy halving = new BpttStrategy() {
            @Override
            public double[] gradientScales(int n) {
                double[] xi = new double[n];
                for (int t = 0; t < n; t++) {
                    xi[t] = t % 2 == 1 ? 0.5 : 1.0;
                }
                return xi;
            }

            @Override
            public String name() {
                return "halve-every-other";
            }
        };
        return List.of(Bptt.full(), Bptt.truncated(2), Bptt.truncated(3), Bptt.randomized(0.5, seed), halving,
                Bptt.checkpointed(Schedule.optimal(1)),
                Bptt.checkpointed(Bptt.truncated(3), Schedule.everyK(2)),
                Bptt.checkpointed(Bptt.randomized(0.5, seed + 1), Schedule.sqrtT()));
    }

    /** The check of one strategy. */
    public record StrategyReport(String strategy, GradCheck.Report report) {
    }

    /** The checks of one cell under every strategy. */
    public static final class Report {
        private final String cell;
        private final List<StrategyReport> strategies;

        Report(String cell, List<StrategyReport> strategies) {
            this.cell = cell;
            this.strategies = Collections.unmodifiableList(strategies);
        }

        /** One report per strategy, in the order checked. */
        public List<StrategyReport> strategies() {
            return strategies;
        }

        /** The largest relative error over every strategy, parameter and entry. */
        public double maxRelativeError() {
            return worstStrategy().report().maxRelativeError();
        }

        /** The strategy whose check has the largest relative error. */
        public StrategyReport worstStrategy() {
            StrategyReport w = strategies.get(0);
            for (StrategyReport s : strategies) {
                if (s.report().maxRelativeError() > w.report().maxRelativeError()) {
                    w = s;
                }
            }
            return w;
        }

        /** The worst entry: strategy, parameter, place, both values and the error. */
        public String worst() {
            StrategyReport s = worstStrategy();
            GradCheck.InputReport r = s.report().worst();
            return String.format(Locale.ROOT, "%s under %s: parameter '%s' %s at %s: analytic %s, numeric %s, "
                    + "relative error %.3e", cell, s.strategy(), r.name(), java.util.Arrays.toString(r.shape()),
                    r.where(), r.analytic(), r.numeric(), r.relativeError());
        }

        public boolean passed(double tolerance) {
            return maxRelativeError() <= tolerance;
        }

        /** Throws an {@link AssertionError} naming every strategy that fails, worst entry first; returns this otherwise. */
        public Report assertClose(double tolerance) {
            if (passed(tolerance)) {
                return this;
            }
            StringBuilder sb = new StringBuilder("cell check failed at tolerance " + tolerance + "; worst: " + worst());
            for (StrategyReport s : strategies) {
                if (!s.report().passed(tolerance)) {
                    try {
                        s.report().assertClose(tolerance);
                    } catch (AssertionError e) {
                        sb.append("\nunder ").append(s.strategy()).append(": ").append(e.getMessage());
                    }
                }
            }
            throw new AssertionError(sb.toString());
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("CellCheck.Report(" + cell + ", worst " + worst() + ")");
            for (StrategyReport s : strategies) {
                sb.append(String.format(Locale.ROOT, "%n  %-32s max relative error %.3e", s.strategy(),
                        s.report().maxRelativeError()));
            }
            return sb.toString();
        }
    }
}
