package io.chainrule.examples.diagnose;

import io.chainrule.core.io.AtomicFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** gradients.csv: a column t, then one column of ‖∂L/∂h_t‖ per curve (full precision), headed by the curve's name. */
public final class CurvesCsv {
    private CurvesCsv() {
    }

    public static void write(Path file, List<GradientCurve> curves) throws IOException {
        StringBuilder sb = new StringBuilder("t");
        int steps = 0;
        for (GradientCurve c : curves) {
            if (c.name().contains(",")) {
                throw new IllegalArgumentException("a curve name must not contain a comma: " + c.name());
            }
            sb.append(',').append(c.name());
            steps = Math.max(steps, c.norms().length);
        }
        sb.append('\n');
        for (int t = 0; t < steps; t++) {
            sb.append(t);
            for (GradientCurve c : curves) {
                sb.append(',').append(t < c.norms().length ? Double.toString(c.norms()[t]) : "");
            }
            sb.append('\n');
        }
        AtomicFile.writeString(file, sb.toString());
    }
}
