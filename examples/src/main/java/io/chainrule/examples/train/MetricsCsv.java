package io.chainrule.examples.train;

import io.chainrule.core.io.AtomicFile;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * metrics.csv: a header line, then one row per iteration, losses at full precision (so a resumed
 * run's rows can be compared with an uninterrupted run's).
 */
public final class MetricsCsv {
    public static final String HEADER = "iteration,loss,grad_norm,seconds";

    private MetricsCsv() {
    }

    public static void write(Path file, List<MetricsRow> rows) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (MetricsRow r : rows) {
            sb.append(r.iteration()).append(',').append(r.loss()).append(',').append(r.gradNorm()).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", r.seconds())).append('\n');
        }
        AtomicFile.writeString(file, sb.toString());
    }

    /** The longest line a row can take (an iteration, two doubles and the seconds, with room to spare). */
    static final int MAX_LINE_BYTES = 128;

    /** The rows of a metrics file, or none when it does not exist. */
    public static List<MetricsRow> read(Path file) throws IOException {
        return read(file, Integer.MAX_VALUE / MAX_LINE_BYTES);
    }

    /**
     * The rows of a metrics file of a run of at most {@code maxRows} iterations, or none when it
     * does not exist; a file larger than that many rows can be is refused before it is read.
     */
    public static List<MetricsRow> read(Path file, long maxRows) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        long limit = HEADER.length() + 1 + maxRows * MAX_LINE_BYTES;
        List<String> lines;
        try {
            if (Files.size(file) > limit) {
                throw new IOException(file + " has " + Files.size(file) + " bytes, more than the " + maxRows
                        + " rows of this run can take (" + MAX_LINE_BYTES + " bytes a row): not a file chainrule wrote");
            }
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text", e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not a chainrule metrics file (its first line is not '" + HEADER + "')");
        }
        List<MetricsRow> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            try {
                if (f.length != 4) {
                    throw new NumberFormatException("expected 4 fields, found " + f.length);
                }
                MetricsRow r = new MetricsRow(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]));
                if (r.iteration() != rows.size() + 1) {
                    throw new NumberFormatException("iteration " + r.iteration() + " where " + (rows.size() + 1)
                            + " was expected (rows count the iterations 1, 2, 3, ...)");
                }
                if (!Double.isFinite(r.loss()) || !Double.isFinite(r.gradNorm()) || !(r.seconds() >= 0)
                        || Double.isInfinite(r.seconds())) {
                    throw new NumberFormatException("loss, gradient norm and seconds must be finite (seconds >= 0), got "
                            + f[1] + ", " + f[2] + ", " + f[3]);
                }
                rows.add(r);
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }
}
