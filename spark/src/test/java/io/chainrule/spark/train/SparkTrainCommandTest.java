package io.chainrule.spark.train;

import io.chainrule.examples.Main;
import io.chainrule.examples.train.MetricsCsv;
import io.chainrule.examples.train.MetricsRow;
import io.chainrule.examples.train.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chainrule train --spark local[2]} as a user runs it from chainrule-spark.jar: the program
 * finds Spark through the service loader, starts and stops its own context, prints the usual run
 * and writes the usual files, which {@code --resume} continues on Spark.
 */
class SparkTrainCommandTest {

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    private static String[] args(Path out, long iterations, String... more) {
        String[] base = {"train", "--task", "adding", "--cell", "lstm", "--hidden", "8", "--batch", "8", "--steps", "20",
                "--iterations", Long.toString(iterations), "--save-every", "3", "--out", out.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void trainSparkRunsTheTaskOnSparkAndResumesThere(@TempDir Path dir) throws IOException {
        Result plain = run(args(dir.resolve("plain"), 6));
        assertEquals(0, plain.exit(), plain::toString);

        Result once = run(args(dir.resolve("once"), 6, "--spark", "local[2]"));
        assertEquals(0, once.exit(), once::toString);
        assertTrue(once.out().contains("\nspark: Spark 3.5.8, master local[2], 2 shards a batch, 1 engine thread a task\n"),
                once::toString);
        assertTrue(once.out().contains("trained 6 iterations"), once::toString);
        for (String f : List.of(RunFiles.CONFIG, RunFiles.MODEL, "optimizer-6.safetensors", RunFiles.METRICS, RunFiles.PLOT,
                RunFiles.SUMMARY)) {
            assertTrue(Files.isRegularFile(dir.resolve("once").resolve(f)), f);
        }
        List<MetricsRow> expected = MetricsCsv.read(dir.resolve("plain").resolve(RunFiles.METRICS));
        List<MetricsRow> actual = MetricsCsv.read(dir.resolve("once").resolve(RunFiles.METRICS));
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i).loss();
            assertTrue(Math.abs(e - actual.get(i).loss()) <= 1e-10 * Math.abs(e), "loss at iteration " + (i + 1));
        }

        Result first = run(args(dir.resolve("twice"), 3, "--spark", "local[2]"));
        assertEquals(0, first.exit(), first::toString);
        Result rest = run("train", "--resume", "--iterations", "6", "--spark", "local[2]", "--out", dir.resolve("twice").toString());
        assertEquals(0, rest.exit(), rest::toString);
        assertTrue(rest.out().contains("resuming at iteration 3 of 6"), rest::toString);
        assertArrayEquals(Files.readAllBytes(dir.resolve("once").resolve(RunFiles.MODEL)),
                Files.readAllBytes(dir.resolve("twice").resolve(RunFiles.MODEL)), "model.safetensors, resumed and not");
    }

    @Test
    void moreShardsThanSequencesIsAUsageError(@TempDir Path dir) {
        Result r = run(args(dir.resolve("run"), 2, "--spark", "local[2]", "--shards", "9"));
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--shards 9 is more than --batch 8: each shard needs at least one sequence"), r::toString);
    }

    @Test
    void sparkWithoutAMasterOutsideSparkSubmitSaysWhatToGive(@TempDir Path dir) {
        Result r = run(args(dir.resolve("run"), 2, "--spark"));
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("--spark without a master needs one from spark-submit (--master); give it here instead: "
                + "--spark local[2]"), r::toString);
    }
}
