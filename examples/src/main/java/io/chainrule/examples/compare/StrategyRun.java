package io.chainrule.examples.compare;

import io.chainrule.examples.task.Metric;
import io.chainrule.examples.train.MetricsRow;
import io.chainrule.examples.train.Report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One strategy's run in a comparison: its report, the training loss at every iteration, and the
 * peak of saved activations ({@link io.chainrule.autodiff.Memory}) while it trained.
 */
public record StrategyRun(String strategy, Report report, List<MetricsRow> rows, long peakSavedBytes) {

    /** The losses of every iteration, in order. */
    public double[] losses() {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i).loss();
        }
        return out;
    }

    /** True if every iteration's loss and gradient norm are bitwise those of {@code other}. */
    public boolean bitwiseSameTraining(StrategyRun other) {
        if (rows.size() != other.rows.size()) {
            return false;
        }
        for (int i = 0; i < rows.size(); i++) {
            MetricsRow a = rows.get(i);
            MetricsRow b = other.rows.get(i);
            if (Double.doubleToRawLongBits(a.loss()) != Double.doubleToRawLongBits(b.loss())
                    || Double.doubleToRawLongBits(a.gradNorm()) != Double.doubleToRawLongBits(b.gradNorm())) {
                return false;
            }
        }
        return true;
    }

    /** The task's headline fraction (closing brackets right, recall accuracy, ...), or null if it has none. */
    public Metric accuracy() {
        for (Metric m : report.metrics()) {
            if (m.percent() && !m.key().endsWith("_chance")) {
                return m;
            }
        }
        return null;
    }

    /** This run as one object of compare.json. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", strategy);
        m.put("trainLoss", report.trainLoss());
        m.put("heldOutLoss", report.value("loss"));
        Metric accuracy = accuracy();
        if (accuracy != null) {
            m.put(accuracy.key(), accuracy.value());
        }
        m.put("seconds", report.seconds());
        m.put("peakSavedBytes", peakSavedBytes);
        return m;
    }
}
