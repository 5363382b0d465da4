package io.chainrule.examples.cli;

import io.chainrule.core.io.FailingChannel;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;
import io.chainrule.examples.train.MetricsCsv;
import io.chainrule.examples.train.MetricsRow;
import io.chainrule.examples.train.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run whose checkpoint save fails half way (as a full disk or a kill would leave it) keeps its
 * previous checkpoint intact, and {@code --resume} continues from it to parameters bitwise
 * identical to a run that was never interrupted.
 */
class ResumeTest {

    private static String[] args(String task, String cell, String strategy, Path out, Path dir, long iterations) throws IOException {
        String[] a = {"train", "--task", task, "--cell", cell, "--strategy", strategy, "--hidden", "6", "--batch", "6",
                "--steps", "40", "--iterations", Long.toString(iterations), "--save-every", "4", "--seed", "3",
                "--out", out.toString()};
        return task.equals("text") ? TrainOutputsTest.concat(a, "--file", TrainOutputsTest.textFile(dir).toString()) : a;
    }

    /**
     * Checkpoint saves write two files through the filter (optimizer state, then model): calls 1-2
     * save iteration 4, calls 3-4 iteration 8. The filter fails call {@code failingCall} after a few
     * hundred bytes, after recording the model file as it stood.
     */
    private static UnaryOperator<WritableByteChannel> failOnCall(int failingCall, Path out, byte[][] modelBefore) {
        AtomicInteger calls = new AtomicInteger();
        return ch -> {
            if (calls.incrementAndGet() != failingCall) {
                return ch;
            }
            try {
                modelBefore[0] = Files.readAllBytes(out.resolve(RunFiles.MODEL));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return FailingChannel.after(300).apply(ch);
        };
    }

    @ParameterizedTest(name = "{0}, {1}, {2}, save fails at write {3}")
    @CsvSource({
            "brackets, lstm, randomized:0.5, 3",
            "brackets, lstm, full, 4",
            "adding, gru, truncated:4, 4",
            "text, rnn, full, 3",   // 9 batches a pass: resuming at 4 crosses the reset at 9
            "sine, linear, truncated:7, 4"})
    void anInterruptedRunResumesToTheUninterruptedResultBitForBit(String task, String cell, String strategy,
                                                                   int failingCall, @TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole");
        Cli.Result a = Cli.run(args(task, cell, strategy, whole, dir, 12));
        assertEquals(0, a.exit(), a::toString);

        Path broken = dir.resolve("broken");
        byte[][] modelBefore = new byte[1][];
        Cli.Result b = Cli.train(failOnCall(failingCall, broken, modelBefore), args(task, cell, strategy, broken, dir, 12));
        assertEquals(1, b.exit(), b::toString);
        assertTrue(b.err().contains("simulated failure"), b::toString);
        assertNotNull(modelBefore[0]);
        assertArrayEquals(modelBefore[0], Files.readAllBytes(broken.resolve(RunFiles.MODEL)),
                "the model file is exactly as the last good checkpoint left it");
        assertEquals("4", Safetensors.load(broken.resolve(RunFiles.MODEL)).meta("iteration"));
        try (var files = Files.list(broken)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file is left");
        }

        Cli.Result c = Cli.run("train", "--resume", "--out", broken.toString());
        assertEquals(0, c.exit(), c::toString);
        assertTrue(c.out().contains("resuming at iteration 4 of 12"), c::toString);

        assertArrayEquals(Files.readAllBytes(whole.resolve(RunFiles.MODEL)), Files.readAllBytes(broken.resolve(RunFiles.MODEL)),
                "model.safetensors of the resumed run equals the uninterrupted run's, byte for byte");
        assertSameTensors(whole.resolve("optimizer-12.safetensors"), broken.resolve("optimizer-12.safetensors"));
        assertSameLosses(MetricsCsv.read(whole.resolve(RunFiles.METRICS)), MetricsCsv.read(broken.resolve(RunFiles.METRICS)));
    }

    /** The two safetensors files hold the same tensors, bit for bit (their metadata, such as the seconds, may differ). */
    static void assertSameTensors(Path expected, Path actual) throws IOException {
        SafetensorsFile e = Safetensors.load(expected);
        SafetensorsFile a = Safetensors.load(actual);
        assertEquals(e.tensors().keySet(), a.tensors().keySet());
        e.tensors().forEach((k, t) -> assertArrayEquals(TrainOutputsTest.bits(t), TrainOutputsTest.bits(a.tensors().get(k)),
                "tensor " + k + " of " + actual));
    }

    private static void assertSameLosses(List<MetricsRow> expected, List<MetricsRow> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).iteration(), actual.get(i).iteration());
            assertEquals(Double.doubleToRawLongBits(expected.get(i).loss()), Double.doubleToRawLongBits(actual.get(i).loss()),
                    "loss at iteration " + expected.get(i).iteration());
            assertEquals(Double.doubleToRawLongBits(expected.get(i).gradNorm()),
                    Double.doubleToRawLongBits(actual.get(i).gradNorm()), "gradient norm at iteration " + expected.get(i).iteration());
        }
    }

    @Test
    void resumingWithMoreIterationsEqualsRunningLongerInOneGo(@TempDir Path dir) throws IOException {
        Path once = dir.resolve("once");
        Path twice = dir.resolve("twice");
        assertEquals(0, Cli.run(args("brackets", "gru", "full", once, dir, 10)).exit());
        assertEquals(0, Cli.run(args("brackets", "gru", "full", twice, dir, 6)).exit());

        Cli.Result done = Cli.run("train", "--resume", "--out", twice.toString());
        assertEquals(1, done.exit(), done::toString);
        assertTrue(done.err().contains("has already done 6 of its 6 iterations; pass --iterations N with N > 6"), done::toString);

        Cli.Result more = Cli.run("train", "--resume", "--iterations", "10", "--out", twice.toString());
        assertEquals(0, more.exit(), more::toString);
        assertArrayEquals(Files.readAllBytes(once.resolve(RunFiles.MODEL)), Files.readAllBytes(twice.resolve(RunFiles.MODEL)));
        assertSameLosses(MetricsCsv.read(once.resolve(RunFiles.METRICS)), MetricsCsv.read(twice.resolve(RunFiles.METRICS)));
    }
}
