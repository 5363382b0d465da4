package io.chainrule.examples.cli;

import io.chainrule.autodiff.Memory;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.train.MetricsCsv;
import io.chainrule.examples.train.MetricsRow;
import io.chainrule.examples.train.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --task text --memory SIZE}: full-gradient BPTT over a long sequence within a byte
 * budget, its inputs made a chunk of steps at a time. On a sequence whose stored run fits it
 * trains bitwise like that run (the same loss and gradient norm at every iteration, the same saved
 * model), with the engine's peak of saved activations within the budget, and its loss falls.
 */
class TrainUnderBudgetTest {
    static final int STEPS = 2100;   // two chunks of the unroll at B = 4 (1,024 steps each, then 52)
    static final int BATCH = 4;

    /** A text of {@code chars} characters over 13 symbols: words in an order with structure to learn. */
    static Path text(Path dir, int chars) throws IOException {
        String[] words = {"abc ", "bad ", "cab ", "dig ", "fig ", "hike\n", "leg ", "egg "};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < chars; i++) {
            sb.append(words[(i * 5 + i / 4) % words.length]);
        }
        Path f = dir.resolve("long.txt");
        Files.writeString(f, sb.toString());
        return f;
    }

    private static String[] train(Path file, Path out, String... strategy) {
        return TrainOutputsTest.concat(new String[] {"train", "--task", "text", "--file", file.toString(), "--cell", "lstm",
            "--hidden", "16", "--batch", Integer.toString(BATCH), "--steps", Integer.toString(STEPS), "--iterations", "8",
            "--save-every", "8", "--lr", "0.05", "--seed", "2", "--out", out.toString()}, strategy);
    }

    /** Runs {@code args} in this thread and returns the peak of saved activations of its training and evaluation. */
    private static long peakOf(String[] args) {
        long before = Memory.savedBytes();
        Memory.resetPeak();
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r::toString);
        return Memory.peakSavedBytes() - before;
    }

    @Test
    void aBudgetRunTrainsBitwiseLikeTheStoredRunWithinItsBudget(@TempDir Path dir) throws IOException {
        Path file = text(dir, 10 * BATCH * (STEPS + 1) + 100);
        Path stored = dir.resolve("stored");
        long full = peakOf(train(file, stored));
        long budget = full / 3;
        Path within = dir.resolve("budget");
        long peak = peakOf(train(file, within, "--memory", Long.toString(budget)));
        assertTrue(peak <= budget, () -> "peak saved " + peak + " bytes, budget " + budget + " (stored: " + full + ")");
        assertEquals("checkpoint:budget=" + budget, FlatJson.read(within.resolve(RunFiles.CONFIG)).get("strategy"));

        List<MetricsRow> a = MetricsCsv.read(stored.resolve(RunFiles.METRICS));
        List<MetricsRow> b = MetricsCsv.read(within.resolve(RunFiles.METRICS));
        assertEquals(8, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(Double.doubleToRawLongBits(a.get(i).loss()), Double.doubleToRawLongBits(b.get(i).loss()), "loss " + i);
            assertEquals(Double.doubleToRawLongBits(a.get(i).gradNorm()), Double.doubleToRawLongBits(b.get(i).gradNorm()),
                    "gradient norm " + i);
        }
        assertArrayEquals(Files.readAllBytes(stored.resolve(RunFiles.MODEL)), Files.readAllBytes(within.resolve(RunFiles.MODEL)));
        double first = b.get(0).loss();
        double last = (b.get(6).loss() + b.get(7).loss()) / 2;
        assertTrue(last < 0.9 * first, () -> "the loss fell from " + first + " to " + last);
    }

    @Test
    void aBudgetTakesNoOtherStrategyAndSaysWhatItNeeds(@TempDir Path dir) throws IOException {
        Path file = text(dir, 10 * BATCH * (STEPS + 1) + 100);
        Cli.Result both = Cli.run(train(file, dir.resolve("a"), "--memory", "64MiB", "--strategy", "checkpoint:sqrt"));
        assertEquals(2, both.exit(), both::toString);
        assertTrue(both.err().contains("--strategy checkpoint:sqrt is another strategy: give one of them"), both::toString);
        Cli.Result tiny = Cli.run(train(file, dir.resolve("b"), "--memory", "1KiB"));
        assertEquals(1, tiny.exit(), tiny::toString);
        assertTrue(tiny.err().contains("a memory budget of 1.00 KiB holds no schedule") && tiny.err().contains("give at least"),
                tiny::toString);
    }
}
