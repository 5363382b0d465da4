package io.chainrule.examples.compare;

import io.chainrule.examples.plot.LinePlot;
import io.chainrule.examples.plot.LossPlot;
import io.chainrule.examples.plot.MovingAverage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * compare.png: every strategy's training loss (moving average) on one chart, with the task's
 * reference losses. A run whose training is bitwise that of an earlier one (checkpointed BPTT
 * against full) lies exactly on it: it is drawn dashed and its legend says which it equals.
 */
public final class ComparisonPlot {
    private ComparisonPlot() {
    }

    public static void write(Path png, String title, String yLabel, List<StrategyRun> runs,
                             List<LossPlot.Reference> references) throws IOException {
        List<LinePlot.Series> series = new ArrayList<>();
        for (int k = 0; k < runs.size(); k++) {
            StrategyRun r = runs.get(k);
            StrategyRun same = null;
            for (int j = 0; j < k && same == null; j++) {
                same = r.bitwiseSameTraining(runs.get(j)) ? runs.get(j) : null;
            }
            double[] losses = r.losses();
            double[] x = new double[losses.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.rows().get(i).iteration();
            }
            series.add(new LinePlot.Series(same == null ? r.strategy() : r.strategy() + " (= " + same.strategy() + ")", x,
                    MovingAverage.of(losses, Math.max(1, losses.length / 25)), same != null));
        }
        LinePlot.write(png, title, "iteration", yLabel, false, series, references);
    }
}
