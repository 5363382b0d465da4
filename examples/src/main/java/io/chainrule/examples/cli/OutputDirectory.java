package io.chainrule.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a command that writes results ({@code train}, {@code compare}, {@code diagnose}) writes
 * them, so that a new command never destroys an earlier one's results:
 * <ul>
 *   <li>{@code --out DIR} given: DIR, unless it holds earlier results, which is a usage error
 *       naming them and the ways out ({@code --resume}, {@code --overwrite}, another
 *       {@code --out}); with {@code --overwrite} DIR is used (a run there is replaced only once the
 *       new one has a checkpoint). An empty {@code --out}, or one that is a file, is an error.</li>
 *   <li>no {@code --out}: the default directory, or, when it holds earlier results, the first of
 *       {@code DEFAULT-2}, {@code DEFAULT-3}, ... that holds none (and a line says so).</li>
 * </ul>
 */
record OutputDirectory(Path dir, String note) {
    /** The most numbered directories tried after the default one. */
    static final int MAX_NUMBER = 10_000;

    /** What earlier results a directory holds (names for the message), empty for none. */
    @FunctionalInterface
    interface Contents {
        List<String> of(Path dir) throws IOException;
    }

    /**
     * The directory to write into; {@code what} names the results ("a run"), {@code resumable}
     * says whether the refusal may suggest {@code --resume}.
     */
    static OutputDirectory choose(CommandLine cmd, Path out, boolean overwrite, Path defaultDir, Contents contents,
                                  String what, boolean resumable) throws IOException {
        if (out != null) {
            requireDirectoryName(cmd, out);
            List<String> held = contents.of(out);
            if (!held.isEmpty() && !overwrite) {
                throw new ParameterException(cmd, "--out " + out + " holds " + what + " (" + String.join(", ", held) + "); "
                        + (resumable ? "continue it with --resume, " : "") + "replace it with --overwrite, or choose another --out");
            }
            return new OutputDirectory(out, held.isEmpty() ? null : "replacing " + what + " in " + out
                    + " (it stays as it was until the new run's first checkpoint)");
        }
        for (int n = 1; n <= MAX_NUMBER; n++) {
            Path candidate = n == 1 ? defaultDir : defaultDir.resolveSibling(defaultDir.getFileName() + "-" + n);
            if (!Files.exists(candidate) || Files.isDirectory(candidate) && contents.of(candidate).isEmpty()) {
                return new OutputDirectory(candidate, n == 1 ? null : (n == 2 ? defaultDir + " holds " + what
                        : defaultDir + " to " + defaultDir + "-" + (n - 1) + " each hold " + what)
                        + "; writing to " + candidate + " instead (--out chooses the directory)");
            }
        }
        throw new ParameterException(cmd, defaultDir + " and " + defaultDir + "-2 to -" + MAX_NUMBER
                + " all hold earlier results; choose a directory with --out");
    }

    /**
     * The directory of the run to resume: {@code out} if given, else the one of {@code defaultDir},
     * {@code DEFAULT-2}, ... that holds a run (the default directory when none does, so that the
     * error names it); several is a usage error asking for {@code --out}.
     */
    static Path toResume(CommandLine cmd, Path out, Path defaultDir, Contents contents) throws IOException {
        if (out != null) {
            requireDirectoryName(cmd, out);
            return out;
        }
        List<Path> found = new ArrayList<>();
        Path parent = defaultDir.toAbsolutePath().getParent();
        Pattern numbered = Pattern.compile(Pattern.quote(defaultDir.getFileName().toString()) + "(-[0-9]+)?");
        if (Files.isDirectory(parent)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(parent)) {
                for (Path p : s) {
                    if (numbered.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)
                            && !contents.of(p).isEmpty()) {
                        found.add(defaultDir.resolveSibling(p.getFileName()));
                    }
                }
            }
        }
        if (found.size() > 1) {
            found.sort(null);
            throw new ParameterException(cmd, "--resume without --out could mean any of " + found
                    + "; say which with --out");
        }
        return found.isEmpty() ? defaultDir : found.get(0);
    }

    private static void requireDirectoryName(CommandLine cmd, Path out) {
        if (out.toString().isBlank()) {
            throw new ParameterException(cmd, "--out must name a directory, got an empty name (which would mean the "
                    + "working directory)");
        }
        for (Path p = out.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new ParameterException(cmd, "--out " + out + (p.equals(out.toAbsolutePath()) ? "" : ": " + p)
                            + " is a file, not a directory");
                }
                break;
            }
        }
    }
}
