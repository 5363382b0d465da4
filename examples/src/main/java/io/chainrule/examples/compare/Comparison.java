package io.chainrule.examples.compare;

import io.chainrule.autodiff.Memory;
import io.chainrule.examples.train.Report;
import io.chainrule.examples.train.Run;
import io.chainrule.examples.train.RunFiles;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.examples.train.TrainingListener;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The chapter's comparison of strategies, run for real: the same model, data and seed trained
 * under each BPTT strategy in turn (one run directory each), with the training time and the peak
 * of saved activations of each.
 */
public final class Comparison {
    private Comparison() {
    }

    /** The run directory of {@code strategy} inside {@code dir}, e.g. {@code truncated-4}. */
    public static Path runDir(Path dir, String strategy) {
        return dir.resolve(strategy.replace(':', '-').replace('=', '-'));
    }

    /**
     * Trains {@code base} under {@code strategy} in {@code runDir(dir, strategy)}; a run there is
     * replaced only when {@code replace} ({@link Run#start}).
     */
    public static StrategyRun run(TrainConfig base, String strategy, Path dir, List<TrainingListener> listeners,
                                  boolean replace) throws IOException {
        TrainConfig config = new TrainConfig(base.task(), base.textFile(), base.cell(), base.hidden(), base.batch(),
                base.steps(), strategy, base.clip(), base.lr(), base.seed(), base.iterations(), base.saveEvery());
        Run run = Run.start(config, new RunFiles(runDir(dir, strategy)), listeners, replace);
        long before = Memory.savedBytes();
        Memory.resetPeak();
        Report report = run.train();
        return new StrategyRun(strategy, report, run.rows(), Memory.peakSavedBytes() - before);
    }
}
