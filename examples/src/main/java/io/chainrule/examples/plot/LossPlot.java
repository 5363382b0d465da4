package io.chainrule.examples.plot;

import io.chainrule.core.io.AtomicFile;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A loss curve as a PNG ({@value #WIDTH} x {@value #HEIGHT}): the loss at every iteration (light),
 * its moving average (dark), and horizontal reference lines such as the loss of the best constant
 * prediction. Drawn off-screen with JFreeChart; needs no display.
 */
public final class LossPlot {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 540;

    private static final Color RAW = new Color(120, 160, 220);
    private static final Color SMOOTH = new Color(20, 60, 140);
    private static final Color[] REFERENCE = {new Color(200, 60, 40), new Color(40, 150, 70), new Color(150, 90, 170)};

    private LossPlot() {
    }

    /** A horizontal reference line. */
    public record Reference(String label, double value) {
    }

    public static BufferedImage draw(String title, String yLabel, long[] iterations, double[] losses, List<Reference> references) {
        if (iterations.length != losses.length) {
            throw new IllegalArgumentException("need one loss per iteration, got " + iterations.length + " and " + losses.length);
        }
        XYSeries raw = new XYSeries("loss");
        XYSeries smooth = new XYSeries("moving average");
        double[] averages = MovingAverage.of(losses, Math.max(1, iterations.length / 40));
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < losses.length; i++) {
            double v = losses[i];
            if (Double.isFinite(v)) {
                raw.add(iterations[i], v);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (!Double.isNaN(averages[i])) {
                smooth.add(iterations[i], averages[i]);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(raw);
        data.addSeries(smooth);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "iteration", yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, RAW);
        r.setSeriesStroke(0, new BasicStroke(1.0f));
        r.setSeriesPaint(1, SMOOTH);
        r.setSeriesStroke(1, new BasicStroke(2.5f));
        plot.setRenderer(r);
        double[] range = addReferences(plot, references, lo, hi);
        if (range[0] < range[1]) {
            double pad = 0.05 * (range[1] - range[0]);
            plot.getRangeAxis().setRange(range[0] - pad, range[1] + pad);
        }
        return chart.createBufferedImage(WIDTH, HEIGHT);
    }

    /**
     * Draws {@code references} as dashed horizontal lines with labels; returns the y range
     * {lo, hi} widened to include them.
     */
    static double[] addReferences(XYPlot plot, List<Reference> references, double lo, double hi) {
        for (int k = 0; k < references.size(); k++) {
            Reference ref = references.get(k);
            if (!Double.isFinite(ref.value())) {
                continue;
            }
            ValueMarker m = new ValueMarker(ref.value(), REFERENCE[k % REFERENCE.length], new BasicStroke(1.5f,
                    BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            m.setLabel(ref.label() + String.format(java.util.Locale.ROOT, " (%.4g)", ref.value()));
            m.setLabelPaint(REFERENCE[k % REFERENCE.length]);
            m.setLabelBackgroundColor(new Color(255, 255, 255, 210));
            // Alternate sides (right above the line, left below it) so labels of close lines do not overlap.
            m.setLabelAnchor(k % 2 == 0 ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.BOTTOM_LEFT);
            m.setLabelTextAnchor(k % 2 == 0 ? TextAnchor.BOTTOM_RIGHT : TextAnchor.TOP_LEFT);
            plot.addRangeMarker(m);
            lo = Math.min(lo, ref.value());
            hi = Math.max(hi, ref.value());
        }
        return new double[] {lo, hi};
    }

    /** White background and light grid lines, as every plot of the program has. */
    static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }

    /** Writes an image as a PNG, atomically. */
    static void writePng(Path png, BufferedImage image) throws IOException {
        AtomicFile.writeStream(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JVM");
            }
        });
    }

    /** Draws and writes the PNG atomically. */
    public static void write(Path png, String title, String yLabel, long[] iterations, double[] losses,
                             List<Reference> references) throws IOException {
        writePng(png, draw(title, yLabel, iterations, losses, references));
    }
}
