package io.chainrule.examples.train;

import io.chainrule.autodiff.Memory;
import io.chainrule.core.DType;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.task.Tasks;
import io.chainrule.rnn.Unroll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
            "gru, brackets, checkpoint:slots=3", "lstm, sine, checkpoint:sqrt", "gru, brackets, checkpoint:budget=160KiB"})
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

    /**
     * A long text under a budget: the estimate counts the budget, the gradients of one chunk and a
     * chunk of inputs, not the sequence stored, so a run that cannot be stored in 1 GiB is admitted
     * within 256 MiB; float32 halves the activations.
     */
    @Test
    void underABudgetTheEstimateCountsTheBudgetNotTheSequence() {
        TrainConfig stored = new TrainConfig("text", Path.of("book.txt"), "lstm", 128, 8, 20_000, "full", 1.0, 0.01, 1, 10, 10);
        TrainConfig budget = new TrainConfig("text", Path.of("book.txt"), "lstm", 128, 8, 20_000, "checkpoint:budget=256MiB",
                1.0, 0.01, 1, 10, 10);
        int vocabulary = 80;
        int chunk = Unroll.defaultChunkSteps(20_000, 8);
        MemoryEstimate full = MemoryEstimate.of(stored, vocabulary, vocabulary, 1);
        MemoryEstimate within = MemoryEstimate.of(budget, vocabulary, vocabulary, 1, chunk);
        assertTrue(full.total() > 2e9, () -> "stored: " + full);
        assertTrue(within.total() < 1L << 30, () -> "within 256 MiB: " + within);
        assertEquals(256L << 20, MemoryEstimate.savedActivations(budget, vocabulary));
        MemoryEstimate.Part iteration = within.parts().get(1);
        assertTrue(iteration.what().contains("within a budget of 268 MB"), iteration::what);
        assertEquals(MemoryEstimate.savedActivations(stored, vocabulary),
                2 * MemoryEstimate.savedActivations(stored.withDType(DType.FLOAT32), vocabulary));
    }
}
