package io.chainrule.examples.cli;

import io.chainrule.core.Tensor;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;
import io.chainrule.examples.train.RunDirectory;
import io.chainrule.examples.train.RunFiles;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code chainrule} program against careless and hostile input, by class of problem (the
 * classes of issue 18): each case asserts the exit status, what the message names, that no stack
 * trace is printed, and, where it matters, what is left on disk. The kill-and-resume case of a
 * new run over an old one is {@link NewRunOverOldRunTest}.
 */
class ProgramBadInputCatalogueTest {

    /** The classes of problem. */
    enum Kind {
        RUN_DESTROYED, ABSURD_VALUE_HANGS, SIZE_DOES_NOT_FIT, ERROR_NAMES_NO_FILE, NON_FINITE_LOADS,
        DIVERGENCE_EXITS_0, STALE_TEMPORARY_FILES, UNKNOWN_NAME
    }

    /** What a case does in its own directory, and what it checks after the standard assertions. */
    @FunctionalInterface
    interface Action {
        Cli.Result run(Path dir) throws IOException;
    }

    @FunctionalInterface
    interface After {
        void check(Path dir, Cli.Result r) throws IOException;
    }

    private record Case(Kind kind, String name, Action action, int exit, List<String> fragments, After after) {
    }

    private static Case c(Kind kind, String name, Action action, int exit, String... fragments) {
        return new Case(kind, name, action, exit, List.of(fragments), (d, r) -> { });
    }

    private static Case c(Kind kind, String name, Action action, int exit, After after, String... fragments) {
        return new Case(kind, name, action, exit, List.of(fragments), after);
    }

    /**
     * A copy, in {@code dir/run}, of a tiny finished run of 4 iterations (checkpoints at 2 and 4)
     * of an LSTM on the brackets task, trained once beside the cases' directories.
     */
    static Path run(Path dir) throws IOException {
        Path fixture = dir.getParent().resolve("fixture");
        if (!Files.exists(fixture)) {
            Cli.Result r = Cli.run(tiny(fixture, "4"));
            assertEquals(0, r.exit(), r::toString);
        }
        Path out = Files.createDirectories(dir.resolve("run"));
        for (String f : RunDirectory.runFiles(fixture)) {
            Files.copy(fixture.resolve(f), out.resolve(f));
        }
        return out;
    }

    /**
     * {@code train} of a tiny LSTM into {@code out}; {@code changes} are "--option=value" (replacing
     * the default) or a "--flag".
     */
    static String[] tiny(Path out, String iterations, String... changes) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String[] kv : new String[][] {{"--cell", "lstm"}, {"--hidden", "4"}, {"--batch", "2"}, {"--steps", "12"},
                {"--iterations", iterations}, {"--save-every", "2"}, {"--seed", "5"}, {"--out", out.toString()}}) {
            o.put(kv[0], kv[1]);
        }
        for (String c : changes) {
            int eq = c.indexOf('=');
            o.put(eq < 0 ? c : c.substring(0, eq), eq < 0 ? null : c.substring(eq + 1));
        }
        List<String> args = new ArrayList<>(List.of("train"));
        o.forEach((k, v) -> {
            args.add(k);
            if (v != null) {
                args.add(v);
            }
        });
        return args.toArray(new String[0]);
    }

    private static Cli.Result resume(Path run) {
        return Cli.run("train", "--resume", "--iterations", "6", "--out", run.toString());
    }

    /** Rewrites one tensor of a safetensors file, keeping the rest and the metadata. */
    private static void edit(Path file, String tensor, Consumer<Tensor> change) throws IOException {
        SafetensorsFile f = Safetensors.load(file);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        f.tensors().forEach((k, t) -> tensors.put(k, t.copy()));
        change.accept(tensors.get(tensor));
        Safetensors.save(file, tensors, f.metadata());
    }

    private static void editConfig(Path run, String key, Object value) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>(FlatJson.read(run.resolve(RunFiles.CONFIG)));
        json.put(key, value);
        FlatJson.write(run.resolve(RunFiles.CONFIG), json);
    }

    /** Cuts the last {@code -cut} bytes off a file (as a save cut short by a full disk would leave it). */
    private static void truncate(Path file, int cut) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, b.length + cut));
    }

    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                m.put(p.getFileName().toString(), Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
            }
        }
        return m;
    }

    /** Checks that the directory {@code run} inside the case's directory holds exactly what {@code saved} recorded. */
    private static void assertSame(Map<String, byte[]> saved, Path run) throws IOException {
        Map<String, byte[]> now = contents(run);
        assertEquals(saved.keySet(), now.keySet(), "the files of " + run);
        saved.forEach((k, v) -> assertArrayEquals(v, now.get(k), k + " is unchanged"));
    }

    private static After nothingAt(String relative) {
        return (d, r) -> assertFalse(Files.exists(d.resolve(relative)), () -> relative + " was left behind");
    }

    private static After noRunIn(String relative) {
        return (d, r) -> assertTrue(RunDirectory.runFiles(d.resolve(relative)).isEmpty()
                && !Files.exists(d.resolve(relative).resolve(RunDirectory.STAGING)), () -> relative + " holds a half-made run");
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        Map<Path, Map<String, byte[]>> before = new LinkedHashMap<>();

        // ---- 1. a new run destroys an earlier one
        c.add(c(Kind.RUN_DESTROYED, "train --out over a run", d -> {
            Path run = run(d);
            before.put(d, contents(run));
            return Cli.run(tiny(run, "3"));
        }, 2, (d, r) -> assertSame(before.get(d), d.resolve("run")), "--out", "holds a run", "model.safetensors",
                "--resume", "--overwrite"));
        c.add(c(Kind.RUN_DESTROYED, "empty --out", d -> Cli.run("train", "--out", ""), 2,
                "--out must name a directory", "empty"));
        c.add(c(Kind.RUN_DESTROYED, "--out that is a file", d -> {
            Files.writeString(d.resolve("notes.txt"), "mine");
            return Cli.run(tiny(d.resolve("notes.txt"), "2"));
        }, 2, (d, r) -> assertEquals("mine", Files.readString(d.resolve("notes.txt"))), "notes.txt", "is a file"));
        c.add(c(Kind.RUN_DESTROYED, "--resume with --overwrite", d -> Cli.run("train", "--resume", "--overwrite",
                "--out", run(d).toString()), 2, "--overwrite", "--resume", "give one of them"));
        c.add(c(Kind.RUN_DESTROYED, "compare --out over a comparison", d -> {
            Path out = d.resolve("cmp");
            Files.createDirectories(out);
            Files.writeString(out.resolve("compare.json"), "[]\n");
            return Cli.run("compare", "--out", out.toString(), "--iterations", "2");
        }, 2, (d, r) -> assertEquals("[]\n", Files.readString(d.resolve("cmp/compare.json"))), "holds a comparison",
                "compare.json"));
        c.add(c(Kind.RUN_DESTROYED, "diagnose --out over a diagnosis", d -> {
            Path out = d.resolve("diag");
            Files.createDirectories(out);
            Files.writeString(out.resolve("gradients.csv"), "t\n");
            return Cli.run("diagnose", "--out", out.toString());
        }, 2, "holds a diagnosis", "gradients.csv", "--overwrite"));

        // ---- 2. absurd values hang or spin instead of being refused
        c.add(c(Kind.ABSURD_VALUE_HANGS, "100,000 threads", d -> Cli.run("bench", "--threads", "100000"), 2,
                "--threads must be from 1 to", "a core", "got 100000"));
        c.add(c(Kind.ABSURD_VALUE_HANGS, "plan of 2^31 - 1 steps", d -> Cli.run("plan", "--steps", "2147483647",
                "--slots", "2"), 2, "--steps must be from 1 to 1,000,000", "got 2147483647"));
        c.add(c(Kind.ABSURD_VALUE_HANGS, "graph of 10^8 steps", d -> Cli.run("graph", "--steps", "100000000"), 2,
                "--steps must be from 1 to 10000", "unreadable", "got 100000000"));
        c.add(c(Kind.ABSURD_VALUE_HANGS, "a warm-up of 10^12 seconds", d -> Cli.run("bench", "--warmup-seconds", "1e12"),
                2, "--warmup-seconds must be from 0 to 3600", "1.0E12"));
        c.add(c(Kind.ABSURD_VALUE_HANGS, "a benchmark of a million LSTM iterations",
                d -> Cli.run("bench", "--cell", "lstm", "--hidden", "1024", "--iterations", "1000000"), 2,
                "would take at least", "hours", "--iterations"));
        c.add(c(Kind.ABSURD_VALUE_HANGS, "a gradient check of H = 1000", d -> Cli.run("gradcheck", "--hidden", "1000"), 2,
                "--hidden must be from 1 to 32", "small problems", "got 1000"));
        c.add(c(Kind.ABSURD_VALUE_HANGS, "diagnose with H = 100,000", d -> Cli.run("diagnose", "--hidden", "100000"), 2,
                "--hidden must be from 1 to 1024", "H^3"));
        c.add(c(Kind.ABSURD_VALUE_HANGS, "a plan of 1,000 slot counts", d -> {
            String[] slots = new String[1000];
            Arrays.setAll(slots, i -> Integer.toString(i + 1));
            return Cli.run("plan", "--steps", "100", "--slots", String.join(",", slots));
        }, 2, "--slots gives 1000 values", "at most 20"));

        // ---- 3. sizes that cannot fit
        c.add(c(Kind.SIZE_DOES_NOT_FIT, "a batch of 10^8", d -> Cli.run(tiny(d.resolve("run"), "2", "--batch=100000000")),
                2, nothingAt("run"), "--batch 100000000", "more than one Java array can hold"));
        c.add(c(Kind.SIZE_DOES_NOT_FIT, "a hidden size of 100,000", d -> Cli.run(tiny(d.resolve("run"), "2", "--hidden=100000")), 2, nothingAt("run"), "--hidden 100000", "400,000 x 100,000", "more than one Java array can hold"));
        c.add(c(Kind.SIZE_DOES_NOT_FIT, "10^11 iterations of metrics", d -> Cli.run(tiny(d.resolve("run"), "100000000000")),
                1, nothingAt("run"), "needs about", "metrics (100000000000 iterations)", "the Java heap has", "available"));
        c.add(c(Kind.SIZE_DOES_NOT_FIT, "--file /dev/zero", d -> Cli.run("train", "--task", "text", "--file", "/dev/zero",
                "--out", d.resolve("run").toString()), 2, nothingAt("run"), "/dev/zero", "not a regular file"));
        c.add(c(Kind.SIZE_DOES_NOT_FIT, "a benchmark of 10^9 steps", d -> Cli.run("bench", "--steps", "2000000000",
                "--batch", "2", "--input", "1", "--hidden", "1", "--iterations", "1", "--warmup", "0", "--warmup-seconds", "0"),
                2, "--steps 2000000000 x --batch 2",
                "more than one Java array can hold"));
        c.add(c(Kind.SIZE_DOES_NOT_FIT, "an OutOfMemoryError that still happens", d -> Cli.train(outOfMemoryAtFirstSave(),
                tiny(d.resolve("run"), "4")), 1, noRunIn("run"), "out of memory", "-Xmx", "--batch"));

        // ---- 4. errors in a run directory name the file (and the tensor or key)
        c.add(c(Kind.ERROR_NAMES_NO_FILE, "a truncated model", d -> {
            Path run = run(d);
            truncate(run.resolve(RunFiles.MODEL), -50);
            return resume(run);
        }, 1, "run/model.safetensors", "reach past the data section"));
        c.add(c(Kind.ERROR_NAMES_NO_FILE, "a truncated optimizer file", d -> {
            Path run = run(d);
            truncate(run.resolve("optimizer-4.safetensors"), -50);
            return resume(run);
        }, 1, "run/optimizer-4.safetensors", "reach past the data section"));
        c.add(c(Kind.ERROR_NAMES_NO_FILE, "a config with a negative hidden size", d -> {
            Path run = run(d);
            editConfig(run, "hidden_size", -3L);
            return resume(run);
        }, 1, (d, r) -> assertFalse(r.err().contains("--hidden"), "blames an option the user did not type"),
                "run/config.json", "'hidden_size'", "got -3"));
        c.add(c(Kind.ERROR_NAMES_NO_FILE, "a config that is not UTF-8", d -> {
            Path run = run(d);
            byte[] b = Files.readAllBytes(run.resolve(RunFiles.CONFIG));
            b[20] = (byte) 0xff;
            Files.write(run.resolve(RunFiles.CONFIG), b);
            return resume(run);
        }, 1, (d, r) -> assertFalse(r.err().contains("Input length"), "the decoder's own words"),
                "run/config.json", "not UTF-8", "byte 20"));
        c.add(c(Kind.ERROR_NAMES_NO_FILE, "a text file that is not UTF-8", d -> {
            Files.write(d.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '!'});
            return Cli.run("train", "--task", "text", "--file", d.resolve("latin1.txt").toString(), "--out",
                    d.resolve("run").toString());
        }, 2, nothingAt("run"), "latin1.txt is not UTF-8 text", "byte 3 (0xe9)"));
        c.add(c(Kind.ERROR_NAMES_NO_FILE, "a config naming an unknown cell", d -> {
            Path run = run(d);
            editConfig(run, "cell", "transformer");
            return resume(run);
        }, 1, "run/config.json", "'cell'", "transformer"));
        c.add(c(Kind.ERROR_NAMES_NO_FILE, "a model without one of its tensors", d -> {
            Path run = run(d);
            SafetensorsFile f = Safetensors.load(run.resolve(RunFiles.MODEL));
            Map<String, Tensor> t = new LinkedHashMap<>(f.tensors());
            t.remove("output.bias");
            Safetensors.save(run.resolve(RunFiles.MODEL), t, f.metadata());
            return resume(run);
        }, 1, "run/model.safetensors", "output.bias"));
        c.add(c(Kind.ERROR_NAMES_NO_FILE, "an optimizer file of the wrong shapes", d -> {
            Path run = run(d);
            Path opt = run.resolve("optimizer-4.safetensors");
            SafetensorsFile f = Safetensors.load(opt);
            Map<String, Tensor> t = new LinkedHashMap<>(f.tensors());
            t.put("adam.exp_avg.0", Tensor.zeros(3, 3));
            Safetensors.save(opt, t, f.metadata());
            return resume(run);
        }, 1, "run/optimizer-4.safetensors", "exp_avg.0", "[3, 3]"));

        // ---- 5. non-finite values are refused when weights or optimizer state load
        c.add(c(Kind.NON_FINITE_LOADS, "a NaN weight", d -> {
            Path run = run(d);
            edit(run.resolve(RunFiles.MODEL), "cell.weight_hh_l0", t -> t.setFlatInPlace(5, Double.NaN));
            return resume(run);
        }, 1, (d, r) -> assertFalse(r.err().contains("--lr"), "blames the learning rate"),
                "run/model.safetensors", "'cell.weight_hh_l0'", "NaN", "[1, 1]"));
        c.add(c(Kind.NON_FINITE_LOADS, "an infinite Adam moment", d -> {
            Path run = run(d);
            edit(run.resolve("optimizer-4.safetensors"), "adam.exp_avg_sq.1", t -> t.setFlatInPlace(0, Double.POSITIVE_INFINITY));
            return resume(run);
        }, 1, "run/optimizer-4.safetensors", "'adam.exp_avg_sq.1'", "Infinity"));
        c.add(c(Kind.NON_FINITE_LOADS, "a NaN in the carried state", d -> {
            Path run = run(d);
            edit(run.resolve("optimizer-4.safetensors"), "carry.1", t -> t.setFlatInPlace(3, Double.NaN));
            return resume(run);
        }, 1, "run/optimizer-4.safetensors", "'carry.1'", "NaN"));
        c.add(c(Kind.NON_FINITE_LOADS, "diagnose --run of a model with -Infinity", d -> {
            Path run = run(d);
            edit(run.resolve(RunFiles.MODEL), "output.weight", t -> t.setFlatInPlace(0, Double.NEGATIVE_INFINITY));
            return Cli.run("diagnose", "--run", run.toString(), "--steps", "5", "--out", d.resolve("diag").toString());
        }, 1, "run/model.safetensors", "'output.weight'", "-Infinity"));

        // ---- 6. divergence exits 1, with readable numbers
        c.add(c(Kind.DIVERGENCE_EXITS_0, "a loss of 1e256 at the second iteration", d -> Cli.run("train", "--task", "sine",
                "--cell", "linear", "--hidden", "8", "--batch", "4", "--steps", "20", "--lr", "1e6", "--clip", "0",
                "--iterations", "50", "--out", d.resolve("run").toString()), 1,
                (d, r) -> {
                    assertFalse(r.err().matches("(?s).*[0-9]{20}.*"), "a number printed with hundreds of digits");
                    nothingAt("run").check(d, r);
                }, "diverged", "e+256", "more than 10 times the first iteration's 0.4142", "nothing was saved"));
        c.add(c(Kind.DIVERGENCE_EXITS_0, "a loss growing 26-fold after a checkpoint", d -> Cli.run("train", "--task", "sine",
                "--cell", "linear", "--hidden", "8", "--batch", "4", "--steps", "20", "--lr", "0.1", "--clip", "0",
                "--iterations", "60", "--save-every", "5", "--out", d.resolve("run").toString()), 1,
                (d, r) -> assertEquals("10", Safetensors.load(d.resolve("run").resolve(RunFiles.MODEL)).meta("iteration"),
                        "the last checkpoint before the divergence is kept"),
                "diverged: at iteration 15", "10.9489", "the checkpoint of iteration 10 is kept", "--lr"));
        c.add(c(Kind.DIVERGENCE_EXITS_0, "a tanh RNN on the adding task with lr 5", d -> Cli.run("train", "--task", "adding",
                "--cell", "rnn", "--hidden", "8", "--batch", "4", "--steps", "20", "--lr", "5", "--clip", "0",
                "--iterations", "60", "--out", d.resolve("run").toString()), 1, "diverged", "333.4674", "0.8894"));
        c.add(c(Kind.DIVERGENCE_EXITS_0, "compare stops at a diverging strategy", d -> Cli.run("compare", "--task", "sine",
                "--cell", "linear", "--hidden", "8", "--batch", "4", "--steps", "20", "--lr", "1e6", "--clip", "0",
                "--iterations", "5", "--strategies", "full", "--out", d.resolve("cmp").toString()), 1,
                noRunIn("cmp/full"), "diverged", "e+256"));

        // ---- 7. temporary files of an interrupted save are removed at the next start or resume
        c.add(c(Kind.STALE_TEMPORARY_FILES, "a torn model save", d -> {
            Path run = run(d);
            Files.write(run.resolve(".model.safetensors.1f2e3d4c.tmp"), new byte[100]);
            Files.writeString(run.resolve(".notes.txt.1f2e3d4c.tmp"), "not a run's");
            return resume(run);
        }, 0, (d, r) -> {
            assertFalse(Files.exists(d.resolve("run/.model.safetensors.1f2e3d4c.tmp")));
            assertTrue(Files.exists(d.resolve("run/.notes.txt.1f2e3d4c.tmp")), "a file that is not a run's is left alone");
        }, "removed 1 temporary file of an interrupted save", ".model.safetensors.1f2e3d4c.tmp", "resuming at iteration 4"));
        c.add(c(Kind.STALE_TEMPORARY_FILES, "a new run killed before its first checkpoint", d -> {
            Path run = run(d);
            Path staging = Files.createDirectories(run.resolve(RunDirectory.STAGING));
            Files.writeString(staging.resolve(RunFiles.CONFIG), "{}");
            Files.write(staging.resolve(".metrics.csv.0a.tmp"), new byte[3]);
            return resume(run);
        }, 0, nothingAt("run/" + RunDirectory.STAGING), "removed", RunDirectory.STAGING, "stopped before its first checkpoint",
                "resuming at iteration 4"));
        c.add(c(Kind.STALE_TEMPORARY_FILES, "temporary files where a run is replaced", d -> {
            Path run = run(d);
            Files.write(run.resolve(".optimizer-6.safetensors.77.tmp"), new byte[10]);
            return Cli.run(tiny(run, "2", "--overwrite"));
        }, 0, (d, r) -> {
            assertEquals(List.of("config.json", "loss.png", "metrics.csv", "model.safetensors", "optimizer-2.safetensors",
                    "summary.json"), RunDirectory.runFiles(d.resolve("run")), "the new run replaced the old one");
            assertFalse(Files.exists(d.resolve("run/.optimizer-6.safetensors.77.tmp")));
        }, "removed 1 temporary file", "replacing a run in"));
        c.add(c(Kind.STALE_TEMPORARY_FILES, "a move of a new run cut short", d -> {
            Path old = run(d);
            Path next = d.resolve("next");
            assertEquals(0, Cli.run(tiny(next, "2", "--seed=9")).exit());
            // as a commit left it when killed after moving config.json: the rest still staged, the list written
            Path staging = Files.createDirectories(old.resolve(RunDirectory.STAGING));
            for (String f : List.of(RunFiles.METRICS, "optimizer-2.safetensors", RunFiles.MODEL)) {
                Files.copy(next.resolve(f), staging.resolve(f));
            }
            Files.copy(next.resolve(RunFiles.CONFIG), old.resolve(RunFiles.CONFIG), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(staging.resolve("commit-list"), "config.json\nmetrics.csv\nmodel.safetensors\noptimizer-2.safetensors\n");
            return Cli.run("train", "--resume", "--iterations", "3", "--out", old.toString());
        }, 0, nothingAt("run/" + RunDirectory.STAGING), "finished moving the run staged", "resuming at iteration 2 of 3"));

        // ---- 8. unknown subcommands and options: the list of valid ones and the closest match
        c.add(c(Kind.UNKNOWN_NAME, "chainrule trian", d -> Cli.run("trian"), 2, (d, r) -> assertFalse(r.err().contains("Usage:")),
                "unknown subcommand 'trian'", "did you mean 'train'?", "train, compare, gradcheck, diagnose, plan, graph, bench"));
        c.add(c(Kind.UNKNOWN_NAME, "chainrule --hiden 8", d -> Cli.run("--hiden", "8"), 2,
                "unknown option '--hiden'", "did you mean '--hidden'?", "--task, --file, --cell, --hidden"));
        c.add(c(Kind.UNKNOWN_NAME, "a mistyped required option", d -> Cli.run("plan", "--stpes", "10", "--slots", "2"), 2,
                (d, r) -> assertFalse(r.err().contains("Missing"), "the typo, not its consequence"),
                "unknown option '--stpes'", "did you mean '--steps'?"));
        c.add(c(Kind.UNKNOWN_NAME, "a mistyped cell", d -> Cli.run("--cell", "lsmt"), 2,
                "'--cell'", "[linear, rnn, gru, lstm]", "did you mean 'lstm'?"));
        c.add(c(Kind.UNKNOWN_NAME, "chainrule banch", d -> Cli.run("banch", "--hidden", "4"), 2,
                "unknown subcommand 'banch'", "did you mean 'bench'?"));
        c.add(c(Kind.UNKNOWN_NAME, "a subcommand that is nothing like one", d -> Cli.run("xyzzy"), 2,
                (d, r) -> assertFalse(r.err().contains("did you mean")), "unknown subcommand 'xyzzy'", "the subcommands are"));
        return c;
    }

    /** A checkpoint write that runs out of memory (what a huge model would do), for the handler's path. */
    private static UnaryOperator<WritableByteChannel> outOfMemoryAtFirstSave() {
        return ch -> {
            throw new OutOfMemoryError("Java heap space");
        };
    }

    @TestFactory
    Stream<DynamicTest> eachBadInputIsAnsweredCleanly(@TempDir Path dir) {
        List<Case> all = cases();
        return IntStream.range(0, all.size()).mapToObj(i -> {
            Case k = all.get(i);
            return DynamicTest.dynamicTest(k.kind() + ": " + k.name(), () -> {
                Path d = Files.createDirectories(dir.resolve("case-" + i));
                Cli.Result r = k.action().run(d);
                assertEquals(k.exit(), r.exit(), r::toString);
                String said = k.exit() == 0 ? r.out() : r.err();
                for (String f : k.fragments()) {
                    assertTrue(said.contains(f), () -> "'" + f + "' missing from\n" + r);
                }
                assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), () -> "a stack trace or an exception's name:\n" + r);
                k.after().check(d, r);
            });
        });
    }

    @Test
    void everyClassOfTheIssueHasAtLeastThreeCases() {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        for (Case k : cases()) {
            counts.merge(k.kind(), 1, Integer::sum);
        }
        for (Kind kind : Kind.values()) {
            assertTrue(counts.getOrDefault(kind, 0) >= 3, () -> kind + " has " + counts.get(kind) + " cases");
        }
    }
}
