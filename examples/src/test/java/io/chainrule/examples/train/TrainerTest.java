package io.chainrule.examples.train;

import io.chainrule.autodiff.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    @Test
    void noSavedActivationOutlivesAnIteration(@TempDir Path dir) throws IOException {
        long before = Memory.savedBytes();
        List<Long> held = new ArrayList<>();
        TrainingListener watch = new TrainingListener() {
            @Override
            public void iteration(long done, long total, double loss, double seconds) {
                held.add(Memory.savedBytes() - before);
            }
        };
        TrainConfig config = new TrainConfig("brackets", null, "lstm", 8, 4, 20, "truncated:5", 1.0, 0.01, 2, 5, 5);
        Report report = Run.start(config, new RunFiles(dir), List.of(watch)).train();
        assertEquals(5, report.iterations());
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), held, "saved activations held after each iteration");
        assertEquals(before, Memory.savedBytes(), "and after evaluation");
    }

    @Test
    void checkpointedBpttTrainsBitwiseLikeFullBpttWithFewerSavedBytes(@TempDir Path dir) throws IOException {
        List<List<Long>> bits = new ArrayList<>();
        List<Long> peaks = new ArrayList<>();
        for (String strategy : List.of("full", "checkpoint:slots=3", "checkpoint:sqrt")) {
            TrainConfig config = new TrainConfig("brackets", null, "gru", 8, 4, 30, strategy, 1.0, 0.02, 3, 4, 4);
            Memory.resetPeak();
            long before = Memory.peakSavedBytes();
            Run.start(config, new RunFiles(dir.resolve(strategy.replace(':', '-'))), List.of()).train();
            peaks.add(Memory.peakSavedBytes() - before);
            List<Long> b = new ArrayList<>();
            for (MetricsRow r : MetricsCsv.read(dir.resolve(strategy.replace(':', '-')).resolve(RunFiles.METRICS))) {
                b.add(Double.doubleToRawLongBits(r.loss()));
                b.add(Double.doubleToRawLongBits(r.gradNorm()));
            }
            bits.add(b);
        }
        assertEquals(bits.get(0), bits.get(1), "losses and gradient norms of checkpoint:slots=3");
        assertEquals(bits.get(0), bits.get(2), "losses and gradient norms of checkpoint:sqrt");
        assertTrue(peaks.get(1) < peaks.get(0) && peaks.get(2) < peaks.get(0), () -> "peak saved bytes " + peaks);
    }

    @Test
    void aDivergingRunStopsWithAClearMessage(@TempDir Path dir) throws IOException {
        TrainConfig config = new TrainConfig("sine", null, "linear", 16, 4, 50, "full", 0.0, 1e6, 2, 50, 50);
        Run run = Run.start(config, new RunFiles(dir), List.of());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, run::train);
        assertTrue(e.getMessage().matches("the training (loss|gradient norm) became .* at iteration \\d+; try a smaller --lr.*"),
                e.getMessage());
    }
}
