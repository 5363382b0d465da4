package io.chainrule.spark.train;

import io.chainrule.core.Tensor;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;
import io.chainrule.examples.train.GradientStep;
import io.chainrule.examples.train.MetricsCsv;
import io.chainrule.examples.train.MetricsRow;
import io.chainrule.examples.train.Run;
import io.chainrule.examples.train.RunFiles;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.spark.DataParallel;
import io.chainrule.spark.FailOnce;
import io.chainrule.spark.LocalSpark;
import io.chainrule.spark.ReplicaFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chainrule train}'s runs with their gradients from Spark ({@code local[2,2]}): the same
 * per-iteration losses as the single-process trainer on the same global batch, the same bits
 * from run to run and through a retried task, and the same files, resumed as the trainer
 * resumes them.
 */
class SparkTrainingTest {
    private static JavaSparkContext spark;
    private static final List<DataParallel> trainings = new ArrayList<>();

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.start();
    }

    @AfterAll
    static void stopSpark() {
        trainings.forEach(DataParallel::close);
        spark.stop();
    }

    private static TrainConfig config(String task, String cell, String strategy, Path textFile, long iterations) {
        return new TrainConfig(task, textFile, cell, 8, 6, 20, strategy, 1.0, 0.02, 3, iterations, 4);
    }

    private static GradientStep.Factory onSpark(int shards, UnaryOperator<ReplicaFactory> wrap) {
        return (config, task, model) -> {
            DataParallel dp = new DataParallel(spark, wrap.apply(TaskReplicaFactory.of(config, task)), shards, config.batch());
            trainings.add(dp);
            return new SparkGradientStep(dp, model);
        };
    }

    private static List<MetricsRow> train(TrainConfig config, Path dir, GradientStep.Factory gradients) throws IOException {
        Run.start(config, new RunFiles(dir), List.of(), false, gradients).train();
        return MetricsCsv.read(dir.resolve(RunFiles.METRICS));
    }

    private static List<MetricsRow> plain(TrainConfig config, Path dir) throws IOException {
        Run.start(config, new RunFiles(dir), List.of()).train();
        return MetricsCsv.read(dir.resolve(RunFiles.METRICS));
    }

    private static void assertRelativelyClose(double expected, double actual, double tolerance, String what) {
        assertTrue(Math.abs(expected - actual) <= tolerance * Math.abs(expected),
                what + ": expected " + expected + ", got " + actual + " (relative difference "
                        + Math.abs(expected - actual) / Math.abs(expected) + ")");
    }

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @CsvSource({"brackets, gru, full", "adding, lstm, truncated:4", "copy, rnn, randomized:0.5",
            "sine, linear, checkpoint:sqrt", "text, lstm, full"})
    void lossesEqualTheSingleProcessTrainersOnTheSameBatches(String task, String cell, String strategy, @TempDir Path dir)
            throws IOException {
        Path text = task.equals("text") ? corpus(dir) : null;
        TrainConfig config = config(task, cell, strategy, text, 8);
        List<MetricsRow> expected = plain(config, dir.resolve("plain"));
        List<MetricsRow> actual = train(config, dir.resolve("spark"), onSpark(2, f -> f));
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertRelativelyClose(expected.get(i).loss(), actual.get(i).loss(), 1e-10, "loss at iteration " + (i + 1));
            assertRelativelyClose(expected.get(i).gradNorm(), actual.get(i).gradNorm(), 1e-10, "gradient norm at iteration " + (i + 1));
        }
    }

    @Test
    void oneShardTrainsBitwiseLikeTheSingleProcessTrainer(@TempDir Path dir) throws IOException {
        TrainConfig config = config("brackets", "lstm", "randomized:0.5", null, 8);
        plain(config, dir.resolve("plain"));
        train(config, dir.resolve("spark"), onSpark(1, f -> f));
        assertSameRun(dir.resolve("plain"), dir.resolve("spark"), 8);
    }

    @Test
    void runsWithTheSameSeedAndShardsAreBitwiseIdenticalEvenThroughARetriedTask(@TempDir Path dir) throws IOException {
        TrainConfig config = config("brackets", "gru", "truncated:6", null, 8);
        train(config, dir.resolve("first"), onSpark(2, f -> f));
        train(config, dir.resolve("second"), onSpark(2, f -> f));
        assertSameRun(dir.resolve("first"), dir.resolve("second"), 8);

        FailOnce.failures.set(0);
        train(config, dir.resolve("retried"), onSpark(2, f -> new FailOnce(f, 5, 1)));
        assertEquals(1, FailOnce.failures.get(), "shard 1's first attempt at iteration 5 failed");
        assertSameRun(dir.resolve("first"), dir.resolve("retried"), 8);
    }

    @Test
    void aRunResumedOnSparkEndsBitwiseAsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        train(config("brackets", "gru", "full", null, 12), dir.resolve("once"), onSpark(2, f -> f));
        train(config("brackets", "gru", "full", null, 6), dir.resolve("twice"), onSpark(2, f -> f));
        Run.resume(new RunFiles(dir.resolve("twice")), 12L, List.of(), onSpark(2, f -> f)).train();
        assertSameRun(dir.resolve("once"), dir.resolve("twice"), 12);
    }

    /** model.safetensors byte for byte, the optimizer state and carried state bit for bit, every loss and gradient norm. */
    private static void assertSameRun(Path a, Path b, long iterations) throws IOException {
        assertArrayEquals(Files.readAllBytes(a.resolve(RunFiles.MODEL)), Files.readAllBytes(b.resolve(RunFiles.MODEL)),
                "model.safetensors");
        SafetensorsFile oa = Safetensors.load(a.resolve("optimizer-" + iterations + ".safetensors"));
        SafetensorsFile ob = Safetensors.load(b.resolve("optimizer-" + iterations + ".safetensors"));
        assertEquals(oa.tensors().keySet(), ob.tensors().keySet());
        oa.tensors().forEach((k, t) -> assertArrayEquals(bits(t), bits(ob.tensors().get(k)), "optimizer file: " + k));
        List<MetricsRow> ra = MetricsCsv.read(a.resolve(RunFiles.METRICS));
        List<MetricsRow> rb = MetricsCsv.read(b.resolve(RunFiles.METRICS));
        assertEquals(ra.size(), rb.size());
        for (int i = 0; i < ra.size(); i++) {
            assertEquals(Double.doubleToRawLongBits(ra.get(i).loss()), Double.doubleToRawLongBits(rb.get(i).loss()),
                    "loss at iteration " + ra.get(i).iteration());
            assertEquals(Double.doubleToRawLongBits(ra.get(i).gradNorm()), Double.doubleToRawLongBits(rb.get(i).gradNorm()),
                    "gradient norm at iteration " + ra.get(i).iteration());
        }
    }

    private static long[] bits(Tensor t) {
        double[] d = t.toArray();
        long[] b = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            b[i] = Double.doubleToRawLongBits(d[i]);
        }
        return b;
    }

    /** A small UTF-8 text, long enough for --batch 6 --steps 20. */
    private static Path corpus(Path dir) throws IOException {
        return Files.writeString(dir.resolve("corpus.txt"), "the cat sat on a mat and ate crème brûlée\n".repeat(70));
    }
}
