package io.chainrule.examples.train;

import io.chainrule.examples.task.Metric;

import java.util.List;

/**
 * When a training run counts as diverged, and stops (exit status 1, its last checkpoint kept and
 * nothing saved after it): a loss or gradient norm that is not finite, or a training loss that has
 * grown past {@value #FACTOR} times its starting value, the loss of the run's first iteration
 * (before any update), as the mean of the last {@value #WINDOW} iterations (so that one noisy
 * batch does not stop a run, but a blow-up does at once).
 */
public final class Divergence {
    /** How many times the first iteration's loss the recent mean loss may reach. */
    public static final double FACTOR = 10;
    /** Iterations in the recent mean. */
    public static final int WINDOW = 10;

    private Divergence() {
    }

    /**
     * Why the run whose iterations so far are {@code rows} (from iteration 1) has diverged, or
     * null if it has not.
     */
    public static String check(List<MetricsRow> rows) {
        if (rows.isEmpty()) {
            return null;
        }
        MetricsRow last = rows.get(rows.size() - 1);
        if (!Double.isFinite(last.loss())) {
            return "the training loss became " + last.loss() + " at iteration " + last.iteration();
        }
        if (!Double.isFinite(last.gradNorm())) {
            return "the gradient norm became " + last.gradNorm() + " at iteration " + last.iteration();
        }
        double start = rows.get(0).loss();
        int n = Math.min(WINDOW, rows.size());
        double sum = 0;
        for (MetricsRow r : rows.subList(rows.size() - n, rows.size())) {
            sum += r.loss();
        }
        double recent = sum / n;
        if (recent > FACTOR * start && start >= 0) {
            return "the training loss diverged: at iteration " + last.iteration() + " its mean over the last " + n
                    + " iterations, " + Metric.format(recent) + ", is more than " + (int) FACTOR
                    + " times the first iteration's " + Metric.format(start);
        }
        return null;
    }
}
