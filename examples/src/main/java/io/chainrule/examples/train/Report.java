package io.chainrule.examples.train;

import io.chainrule.examples.task.Metric;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a finished run learned: the held-out scores beside the baselines, as printed and as
 * summary.json.
 *
 * @param trainLoss mean training loss over the last tenth of the iterations
 */
public record Report(String task, String cell, long iterations, double seconds, long tokensPerIteration,
                     double trainLoss, List<Metric> metrics) {

    /** True if the report has a metric called {@code key}. */
    public boolean has(String key) {
        return metrics.stream().anyMatch(m -> m.key().equals(key));
    }

    /** The metric called {@code key}. */
    public double value(String key) {
        for (Metric m : metrics) {
            if (m.key().equals(key)) {
                return m.value();
            }
        }
        throw new IllegalArgumentException("no metric '" + key + "' in the report of " + task);
    }

    /** The report as lines for people. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "trained %d iterations in %.1f s (%,.0f tokens/s)", iterations, seconds,
                iterations * tokensPerIteration / seconds));
        List<Metric> all = new ArrayList<>();
        all.add(Metric.number("train_loss", "final training loss (mean of the last tenth of the iterations)", trainLoss));
        all.addAll(metrics);
        int width = all.stream().mapToInt(m -> m.label().length()).max().orElse(0);
        for (Metric m : all) {
            out.add(String.format(Locale.ROOT, "  %-" + width + "s  %10s", m.label(), m.formatted()));
        }
        out.add(verdict());
        return out;
    }

    private String verdict() {
        double loss = value("loss");
        double constant = value("constant_loss");
        if (!(loss < constant)) {
            return String.format(Locale.ROOT, "not learned: the held-out loss %.4f is no better than the best constant prediction's %.4f", loss, constant);
        }
        return String.format(Locale.ROOT, "learned: the held-out loss %.4f is %.0f%% below the best constant prediction's %.4f",
                loss, 100 * (constant - loss) / constant, constant);
    }

    /** summary.json. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("cell", cell);
        m.put("iterations", iterations);
        m.put("seconds", seconds);
        m.put("train_loss", trainLoss);
        for (Metric metric : metrics) {
            m.put(metric.key(), metric.value());
        }
        return m;
    }
}
