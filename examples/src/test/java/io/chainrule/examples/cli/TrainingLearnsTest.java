package io.chainrule.examples.cli;

import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.train.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default task on a smaller default-like configuration learns what only memory can predict. */
class TrainingLearnsTest {

    @Test
    void theDefaultTaskLearnsToCloseBrackets(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        Cli.Result r = Cli.run("--hidden", "32", "--batch", "16", "--iterations", "400", "--lr", "0.02", "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("held-out loss") && r.out().contains("best constant prediction")
                && r.out().contains("closing brackets predicted right"), r::toString);

        Map<String, Object> s = FlatJson.read(out.resolve(RunFiles.SUMMARY));
        double loss = ((Number) s.get("loss")).doubleValue();
        double constant = ((Number) s.get("constant_loss")).doubleValue();
        double optimal = ((Number) s.get("optimal_loss")).doubleValue();
        double accuracy = ((Number) s.get("closing_accuracy")).doubleValue();
        assertTrue(optimal < constant, s::toString);
        assertTrue(loss < constant - 0.5 * (constant - optimal),
                () -> "the held-out loss closes at least half the gap from the best constant prediction to the best possible: " + s);
        assertTrue(accuracy > 0.6, () -> "closing brackets right well above chance (1/3): " + s);
        assertTrue(r.out().contains("learned: the held-out loss"), r::toString);
    }
}
