package io.chainrule.examples.task;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TasksTest {
    static final int T = 16;
    static final int B = 4;

    static Task task(String name, long seed, Path dir) throws IOException {
        Path text = null;
        if (name.equals("text")) {
            text = dir.resolve("t.txt");
            java.util.SplittableRandom r = new java.util.SplittableRandom(8);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 1200; i++) {
                sb.append("abcdefgh ,.\n".charAt(r.nextInt(12)));
            }
            Files.writeString(text, sb.toString());
        }
        return Tasks.create(name, T, B, seed, text);
    }

    static boolean sameBatch(Batch a, Batch b) {
        if (!a.inputs().bitwiseEquals(b.inputs()) || !java.util.Arrays.equals(a.scored(), b.scored())) {
            return false;
        }
        if (a.classes() != null) {
            return java.util.Arrays.deepEquals(a.classes(), b.classes());
        }
        for (int t = 0; t < a.steps(); t++) {
            if (!a.values()[t].bitwiseEquals(b.values()[t])) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @ValueSource(strings = {"brackets", "adding", "copy", "sine", "text"})
    void batchesAreAFunctionOfSeedAndIteration(String name, @TempDir Path dir) throws IOException {
        Task a = task(name, 9, dir);
        Task b = task(name, 9, dir);
        Batch a5 = a.batch(5);
        assertEquals(T, a5.steps());
        assertEquals(B, a5.batchSize());
        assertEquals(a.inputSize(), a5.inputs().dim(2));
        for (long i : new long[] {0, 1, 2, 5}) {
            a.batch(i);
        }
        assertTrue(sameBatch(a5, b.batch(5)), "iteration 5 after others equals iteration 5 first");
        assertTrue(sameBatch(a5, a.batch(5)), "and again");
        assertFalse(sameBatch(a5, a.batch(6)), "another iteration, another batch");
        if (!name.equals("text")) {
            assertFalse(sameBatch(a5, task(name, 10, dir).batch(5)), "another seed, another batch");
        }
        assertFalse(sameBatch(a.batch(0), a.evalBatches().get(0)), "held-out data differs from training data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"brackets", "sine", "text"})
    void aStreamingTaskContinuesItsSequencesFromBatchToBatch(String name, @TempDir Path dir) throws IOException {
        Task task = task(name, 4, dir);
        assertTrue(task.streaming());
        Batch first = task.batch(0);
        Batch second = task.batch(1);
        for (int b = 0; b < B; b++) {
            if (first.classes() != null) {
                int last = first.classes()[T - 1][b];
                assertEquals(1.0, second.inputs().get(0, b, last), "lane " + b + ": batch 1 starts with batch 0's last target");
            } else {
                assertEquals(first.values()[T - 1].get(b, 0), second.inputs().get(0, b, 0), "lane " + b);
            }
        }
    }

    @Test
    void addingTargetsAreTheSumsOfTheTwoMarkedValues(@TempDir Path dir) throws IOException {
        Batch batch = task("adding", 1, dir).batch(3);
        for (int b = 0; b < B; b++) {
            double sum = 0;
            int marks = 0;
            for (int t = 0; t < T; t++) {
                if (batch.inputs().get(t, b, 1) == 1.0) {
                    sum += batch.inputs().get(t, b, 0);
                    marks++;
                }
            }
            assertEquals(2, marks);
            assertEquals(sum, batch.values()[T - 1].get(b, 0));
        }
        assertEquals(1, batch.scoredSteps());
    }

    @Test
    void copyTargetsAreTheFirstSymbolsOverTheLastSteps(@TempDir Path dir) throws IOException {
        Batch batch = task("copy", 1, dir).batch(2);
        for (int b = 0; b < B; b++) {
            for (int k = 0; k < CopyTask.LENGTH; k++) {
                int target = batch.classes()[T - CopyTask.LENGTH + k][b];
                assertEquals(1.0, batch.inputs().get(k, b, target));
            }
            assertEquals(1.0, batch.inputs().get(T - CopyTask.LENGTH - 1, b, CopyTask.DELIMITER));
        }
        assertEquals(CopyTask.LENGTH, batch.scoredSteps());
    }

    @Test
    void theConstantBaselineIsTheEntropyOfTheTargets(@TempDir Path dir) throws IOException {
        Task copy = task("copy", 2, dir);
        java.util.List<Batch> eval = copy.evalBatches();
        java.util.List<Tensor[]> outputs = new java.util.ArrayList<>();
        for (Batch b : eval) {
            Tensor[] o = new Tensor[T];
            for (int t = 0; t < T; t++) {
                o[t] = Tensor.zeros(B, copy.outputSize());
            }
            outputs.add(o);
        }
        double constant = copy.score(eval, outputs).get(0).value();
        assertTrue(constant > 0 && constant <= Math.log(CopyTask.ALPHABET) + 1e-12, "entropy " + constant);
    }

    @Test
    void textNeedsEnoughCharacters(@TempDir Path dir) throws IOException {
        Path small = dir.resolve("small.txt");
        Files.writeString(small, "too short");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Tasks.create("text", T, B, 1, small));
        assertTrue(e.getMessage().contains("has 9 characters"), e.getMessage());
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9});
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Tasks.create("text", T, B, 1, latin1));
        assertTrue(e.getMessage().contains("latin1.txt is not UTF-8 text: byte 3 (0xe9)"), e.getMessage());
    }

    @Test
    void seedsDependOnEveryPart() {
        long a = Seeds.derive(1, Seeds.DATA, 5);
        assertEquals(a, Seeds.derive(1, Seeds.DATA, 5));
        long[] others = {Seeds.derive(2, Seeds.DATA, 5), Seeds.derive(1, Seeds.EVAL, 5), Seeds.derive(1, Seeds.DATA, 6),
                Seeds.derive(1, 5, Seeds.DATA)};
        for (long o : others) {
            assertTrue(o != a);
        }
    }
}
