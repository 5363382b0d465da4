package io.chainrule.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain program carries no Spark: {@code --spark} names the jar that does, before anything is written. */
class SparkOptionTest {

    @Test
    void sparkOnThePlainProgramNamesTheSparkJar(@TempDir Path dir) {
        Path out = dir.resolve("run");
        Cli.Result r = Cli.run("train", "--spark", "local[2]", "--iterations", "2", "--out", out.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("chainrule train: error: --spark needs Spark, which this chainrule.jar is built without; "
                + "run the same command with spark/target/chainrule-spark.jar"), r::toString);
        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void shardsWithoutSparkIsAUsageError() {
        Cli.Result r = Cli.run("train", "--shards", "2", "--iterations", "2");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--shards splits batches over Spark's tasks: it needs --spark"), r::toString);
    }
}
