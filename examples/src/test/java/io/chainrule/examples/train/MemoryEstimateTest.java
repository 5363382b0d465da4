package io.chainrule.examples.train;

import io.chainrule.autodiff.Memory;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.task.Tasks;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory estimate's term for saved activations against the engine's own account of a real
 * run ({@code Memory.peakSavedBytes}): never below it (a run the estimate admits does not save
 * more than estimated), and for full storage not far above it (the estimate refuses only what is
 * really too large).
 */
class MemoryEstimateTest {

    @ParameterizedTest(name = "{0} on {1}, {2}")
    @CsvSource({"linear, sine, full", "rnn, brackets, full", "gru, copy, full", "lstm, brackets, full",
            "gru, brackets, checkpoint:slots=3", "lstm, sine, checkpoint:sqrt"})
    void theSavedActivationsOfARunAreAtMostTheEstimate(String cell, String task, String strategy, @TempDir Path dir)
            throws IOException {
        TrainConfig c = new TrainConfig(task, null, cell, 24, 5, 30, strategy, 1.0, 0.01, 4, 2, 2);
        Task t = Tasks.create(task, c.steps(), c.batch(), c.seed(), null);
        long before = Memory.savedBytes();
        Memory.resetPeak();
        Run.start(c, new RunFiles(dir), List.of()).train();
        long measured = Memory.peakSavedBytes() - before;
        double estimate = MemoryEstimate.savedActivations(c, t.outputSize());
        assertTrue(measured > 0 && measured <= estimate, () -> "measured " + measured + " > estimated " + estimate);
        if (strategy.equals("full")) {
            assertTrue(estimate <= 1.5 * measured, () -> "estimated " + estimate + " is far above the measured " + measured);
        }
    }
}
