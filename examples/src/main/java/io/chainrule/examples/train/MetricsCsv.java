package io.chainrule.examples.train;

import io.chainrule.core.io.AtomicFile;

import java.io.IOException;
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

    /** The rows of a metrics file, or none when it does not exist. */
    public static List<MetricsRow> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
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
                rows.add(new MetricsRow(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3])));
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }
}
