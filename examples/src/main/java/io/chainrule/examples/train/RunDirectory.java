package io.chainrule.examples.train;

import io.chainrule.core.io.AtomicFile;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a run directory holds, and how a new run moves into one without destroying what is there.
 *
 * <ul>
 *   <li><b>A run.</b> A directory holds a run when it has any of the files a run writes:
 *       config.json, model.safetensors, optimizer-N.safetensors, metrics.csv, loss.png,
 *       summary.json ({@link #runFiles}).</li>
 *   <li><b>A new run is staged.</b> It writes into {@code DIR/}{@value #STAGING} until its first
 *       checkpoint is complete, and only then is committed into DIR. Until that moment DIR is
 *       exactly as it was: an earlier run there still resumes, and a new run that fails or is
 *       killed first leaves nothing but the staging directory, which the next start or resume
 *       removes.</li>
 *   <li><b>Commit.</b> The names of the new run's files are written (atomically) into the staging
 *       directory as {@value #COMMIT_LIST}: from then on the commit is decided. The earlier run's
 *       files that are not on the list are deleted, the staged files are moved in
 *       (model.safetensors last) and the staging directory is removed. Each step can be
 *       repeated, so a commit cut short is finished by the next start or resume
 *       ({@link #tidy}).</li>
 *   <li><b>Temporary files</b> of a save cut short ({@code .NAME.HEX.tmp}, see {@link AtomicFile})
 *       are removed by {@link #tidy}; files that are not a run's are never touched.</li>
 * </ul>
 */
public final class RunDirectory {
    /** The directory, inside the run directory, where a new run lives until its first checkpoint. */
    public static final String STAGING = ".new-run";
    /** The list of the new run's files that decides a commit. */
    static final String COMMIT_LIST = "commit-list";

    private static final Pattern OPTIMIZER = Pattern.compile("optimizer-[0-9]+\\.safetensors");
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.[0-9a-f]{1,16}\\.tmp");
    private static final List<String> NAMED = List.of(RunFiles.CONFIG, RunFiles.MODEL, RunFiles.METRICS,
            RunFiles.PLOT, RunFiles.SUMMARY);

    private RunDirectory() {
    }

    /** True if {@code name} is the name of a file a run writes. */
    public static boolean isRunFile(String name) {
        return NAMED.contains(name) || OPTIMIZER.matcher(name).matches();
    }

    /** True if {@code name} is a temporary file an atomic write of a run's file (or of the commit list) left. */
    static boolean isTemporary(String name) {
        var m = TEMPORARY.matcher(name);
        return m.matches() && (isRunFile(m.group(1)) || m.group(1).equals(COMMIT_LIST));
    }

    /** The names of the run's files in {@code dir}, sorted; empty when there are none or {@code dir} does not exist. */
    public static List<String> runFiles(Path dir) throws IOException {
        return names(dir, RunDirectory::isRunFile);
    }

    /** True if {@code dir} holds a run, or a new run's decided commit (which {@link #tidy} would finish). */
    public static boolean holdsRun(Path dir) throws IOException {
        return !runFiles(dir).isEmpty() || Files.exists(dir.resolve(STAGING).resolve(COMMIT_LIST));
    }

    /**
     * Finishes or clears what an interrupted process left in {@code dir}: a decided commit is
     * finished, a staged run that never reached its first checkpoint is removed, and temporary
     * files of interrupted saves are deleted. Returns one line for each thing done (nothing for a
     * tidy directory).
     */
    public static List<String> tidy(Path dir) throws IOException {
        List<String> done = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return done;
        }
        Path staging = dir.resolve(STAGING);
        if (Files.isDirectory(staging)) {
            if (Files.exists(staging.resolve(COMMIT_LIST))) {
                finishCommit(dir);
                done.add("finished moving the run staged in " + staging + " into " + dir + " (its move was cut short)");
            } else {
                discardStaging(dir);
                done.add("removed " + staging + ": a new run that stopped before its first checkpoint");
            }
        }
        List<String> temporary = names(dir, RunDirectory::isTemporary);
        for (String name : temporary) {
            Files.deleteIfExists(dir.resolve(name));
        }
        if (!temporary.isEmpty()) {
            done.add("removed " + temporary.size() + " temporary file" + (temporary.size() == 1 ? "" : "s")
                    + " of an interrupted save from " + dir + ": " + String.join(", ", temporary));
        }
        return done;
    }

    /** Commits the run staged in {@code dir}'s staging directory into {@code dir} (see the class comment). */
    static void commit(Path dir) throws IOException {
        Path staging = dir.resolve(STAGING);
        AtomicFile.writeString(staging.resolve(COMMIT_LIST), String.join("\n", runFiles(staging)) + "\n");
        finishCommit(dir);
    }

    private static void finishCommit(Path dir) throws IOException {
        Path staging = dir.resolve(STAGING);
        List<String> incoming = new ArrayList<>();
        for (String line : Files.readAllLines(staging.resolve(COMMIT_LIST))) {
            if (!line.isEmpty()) {
                if (!isRunFile(line)) {
                    throw new IOException(staging.resolve(COMMIT_LIST) + " names '" + line + "', which is not a run's file");
                }
                incoming.add(line);
            }
        }
        for (String name : runFiles(dir)) {
            if (!incoming.contains(name)) {
                Files.delete(dir.resolve(name));
            }
        }
        // the model last: until it is in, the directory's model (if any) still names its own optimizer file
        incoming.sort(Comparator.comparing(RunFiles.MODEL::equals));
        for (String name : incoming) {
            Path from = staging.resolve(name);
            if (Files.exists(from)) {
                Files.move(from, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        AtomicFile.forceDirectory(dir);
        Files.delete(staging.resolve(COMMIT_LIST));
        discardStaging(dir);
    }

    /** Removes the staging directory: the run's files and temporary files in it, then the directory itself. */
    static void discardStaging(Path dir) throws IOException {
        Path staging = dir.resolve(STAGING);
        if (!Files.isDirectory(staging)) {
            return;
        }
        for (String name : names(staging, n -> isRunFile(n) || isTemporary(n) || n.equals(COMMIT_LIST))) {
            Files.deleteIfExists(staging.resolve(name));
        }
        try {
            Files.delete(staging);
        } catch (DirectoryNotEmptyException e) {
            throw new IOException(staging + " holds files chainrule did not write (" + String.join(", ",
                    names(staging, n -> true)) + "); remove them and start again", e);
        }
        AtomicFile.forceDirectory(dir);
    }

    private static List<String> names(Path dir, Predicate<String> keep) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (keep.test(name) && !Files.isDirectory(p)) {
                    out.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
