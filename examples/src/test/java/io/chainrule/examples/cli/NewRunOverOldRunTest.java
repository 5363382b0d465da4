package io.chainrule.examples.cli;

import io.chainrule.examples.Main;
import io.chainrule.examples.train.RunDirectory;
import io.chainrule.examples.train.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new run started over an old one and killed ({@code kill -9}) in its first seconds leaves the
 * old run exactly as it was, and the old run still resumes, bitwise like a run never interrupted.
 * The new runs are the real program in a child JVM with {@code --progress}, killed once the
 * progress line of their first iteration is out (1,999 iterations before their first checkpoint):
 * one replacing the old run explicitly ({@code --overwrite}), one started without {@code --out}
 * where the default directory holds the old run.
 */
class NewRunOverOldRunTest {

    /** A tiny GRU on brackets; {@code iterations} in all, checkpoints every {@code saveEvery}. */
    private static List<String> args(long iterations, long saveEvery) {
        return new ArrayList<>(List.of("--hidden", "4", "--batch", "2", "--steps", "10", "--iterations",
                Long.toString(iterations), "--save-every", Long.toString(saveEvery), "--seed", "11"));
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String f : RunDirectory.runFiles(dir)) {
            m.put(f, Files.readAllBytes(dir.resolve(f)));
        }
        return m;
    }

    private static void assertUntouched(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> now = files(dir);
        assertEquals(before.keySet(), now.keySet(), "the old run's files");
        before.forEach((k, v) -> assertArrayEquals(v, now.get(k), k + " is untouched"));
    }

    /**
     * Starts {@code chainrule train ARGS --progress} in a child JVM in {@code workDir}, waits for
     * its first progress line (the bar, after the first iteration), kills it, and returns what it
     * printed up to then.
     */
    private static List<String> startAndKill(Path workDir, List<String> trainArgs) throws Exception {
        // C1 only and the serial collector: the child starts faster; it is killed, so its speed later does not matter
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train"));
        command.addAll(trainArgs);
        command.add("--progress");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
                if (line.startsWith("[")) {
                    p.destroyForcibly();   // SIGKILL: no shutdown hook, no finally block runs
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child JVM ended");
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("[")), () -> "no progress line before the child ended: " + lines);
        return lines;
    }

    @Test
    void anOldRunSurvivesANewRunKilledOverItAndStillResumesBitwise(@TempDir Path work) throws Exception {
        Path old = work.resolve("runs").resolve("brackets-gru");     // the default directory, seen from work
        List<String> first = args(12, 4);
        first.addAll(List.of("--out", old.toString()));
        Cli.Result a = Cli.run(first.toArray(new String[0]));
        assertEquals(0, a.exit(), a::toString);
        Map<String, byte[]> before = files(old);

        // 1. a new run replacing it explicitly, killed before its first checkpoint (at 2000)
        List<String> replacing = args(2000, 2000);
        replacing.addAll(List.of("--out", old.toString(), "--overwrite"));
        List<String> said = startAndKill(work, replacing);
        assertTrue(said.contains("replacing a run in " + old + " (it stays as it was until the new run's first checkpoint)"),
                said::toString);
        assertUntouched(before, old);
        assertTrue(Files.isDirectory(old.resolve(RunDirectory.STAGING)), "the killed run was staged beside it");

        // 2. a new run without --out: the default directory holds the old run, so it goes next to it
        List<String> defaulted = startAndKill(work, args(2000, 2000));
        Path second = work.resolve("runs").resolve("brackets-gru-2");
        assertTrue(defaulted.stream().anyMatch(l -> l.contains("writing to runs/brackets-gru-2 instead")), defaulted::toString);
        assertTrue(RunDirectory.runFiles(second).isEmpty(), "the killed run left no run files");
        assertUntouched(before, old);

        // 3. the old run resumes, tidying what the killed one left, to the bits of a run never interrupted
        Cli.Result resumed = Cli.run("train", "--resume", "--iterations", "20", "--out", old.toString());
        assertEquals(0, resumed.exit(), resumed::toString);
        assertTrue(resumed.out().contains("stopped before its first checkpoint") && resumed.out().contains("resuming at "
                + "iteration 12 of 20"), resumed::toString);
        Path whole = work.resolve("whole");
        List<String> once = args(20, 4);
        once.addAll(List.of("--out", whole.toString()));
        assertEquals(0, Cli.run(once.toArray(new String[0])).exit());
        assertArrayEquals(Files.readAllBytes(whole.resolve(RunFiles.MODEL)), Files.readAllBytes(old.resolve(RunFiles.MODEL)),
                "model.safetensors of the resumed old run equals the uninterrupted run's, byte for byte");
        ResumeTest.assertSameTensors(whole.resolve("optimizer-20.safetensors"), old.resolve("optimizer-20.safetensors"));
    }
}
