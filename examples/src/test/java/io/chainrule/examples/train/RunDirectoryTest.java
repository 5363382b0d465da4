package io.chainrule.examples.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Staging and commit of a new run over an old one: before the commit list exists the old run is
 * untouched and the staged run is discarded by {@link RunDirectory#tidy}; once it exists, a commit
 * cut short after any of its steps is finished by tidy to exactly the new run's files.
 */
class RunDirectoryTest {
    private static final List<String> OLD = List.of("config.json", "loss.png", "metrics.csv", "model.safetensors",
            "optimizer-300.safetensors", "summary.json");
    private static final List<String> NEW = List.of("config.json", "metrics.csv", "model.safetensors",
            "optimizer-100.safetensors");

    private static Path oldRunWithStagedNewRun(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(RunDirectory.STAGING));
        for (String f : OLD) {
            Files.writeString(dir.resolve(f), "old " + f);
        }
        Files.writeString(dir.resolve("notes.txt"), "the user's");
        for (String f : NEW) {
            Files.writeString(dir.resolve(RunDirectory.STAGING).resolve(f), "new " + f);
        }
        return dir;
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : RunDirectory.runFiles(dir)) {
            m.put(f, Files.readString(dir.resolve(f)));
        }
        return m;
    }

    @Test
    void aStagedRunWithoutItsCommitListIsRemovedAndTheOldRunKept(@TempDir Path dir) throws IOException {
        oldRunWithStagedNewRun(dir);
        Files.write(dir.resolve(RunDirectory.STAGING).resolve(".model.safetensors.ab12.tmp"), new byte[4]);
        List<String> done = RunDirectory.tidy(dir);
        assertEquals(1, done.size(), done::toString);
        assertFalse(Files.exists(dir.resolve(RunDirectory.STAGING)));
        assertEquals(OLD, RunDirectory.runFiles(dir));
        contents(dir).forEach((f, text) -> assertEquals("old " + f, text));
        assertEquals("the user's", Files.readString(dir.resolve("notes.txt")));
    }

    @Test
    void aCommitCutShortAfterAnyStepIsFinishedToTheNewRun(@TempDir Path root) throws IOException {
        // the commit's steps: write the list, delete each old file not on it, move each new file in (the model last)
        List<String> deletions = OLD.stream().filter(f -> !NEW.contains(f)).toList();
        List<String> moves = List.of("config.json", "metrics.csv", "optimizer-100.safetensors", "model.safetensors");
        int steps = deletions.size() + moves.size();
        for (int done = 0; done <= steps; done++) {
            Path dir = oldRunWithStagedNewRun(root.resolve("cut-after-" + done));
            Path staging = dir.resolve(RunDirectory.STAGING);
            Files.writeString(staging.resolve("commit-list"), String.join("\n", NEW) + "\n");
            for (int k = 0; k < done; k++) {
                if (k < deletions.size()) {
                    Files.delete(dir.resolve(deletions.get(k)));
                } else {
                    String f = moves.get(k - deletions.size());
                    Files.move(staging.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            assertTrue(RunDirectory.holdsRun(dir));
            RunDirectory.tidy(dir);
            assertFalse(Files.exists(staging), "cut after step " + done);
            assertEquals(NEW, RunDirectory.runFiles(dir), "cut after step " + done);
            int cut = done;
            contents(dir).forEach((f, text) -> assertEquals("new " + f, text, "cut after step " + cut));
            assertEquals("the user's", Files.readString(dir.resolve("notes.txt")));
        }
    }

    @Test
    void onlyTheRunsOwnTemporaryFilesAreRemoved(@TempDir Path dir) throws IOException {
        for (String f : List.of(".model.safetensors.1a2b.tmp", ".optimizer-12.safetensors.ffffffffffffffff.tmp",
                ".metrics.csv.0.tmp", ".notes.txt.1a2b.tmp", ".model.safetensors.xyz.tmp", "model.safetensors.1a2b.tmp")) {
            Files.write(dir.resolve(f), new byte[1]);
        }
        List<String> done = RunDirectory.tidy(dir);
        assertTrue(done.get(0).startsWith("removed 3 temporary files"), done::toString);
        try (var left = Files.list(dir)) {
            assertEquals(List.of(".model.safetensors.xyz.tmp", ".notes.txt.1a2b.tmp", "model.safetensors.1a2b.tmp"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
