package io.chainrule.examples.plot;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Several named curves on one chart as a PNG ({@value #WIDTH} x {@value #HEIGHT}), each in its own
 * colour from {@link #PALETTE}, with optional horizontal reference lines and an optional
 * logarithmic y axis (on which values that are not positive are left out). Points that are not
 * finite are skipped. Drawn off-screen with JFreeChart.
 */
public final class LinePlot {
    public static final int WIDTH = LossPlot.WIDTH;
    public static final int HEIGHT = LossPlot.HEIGHT;

    /** Curve colours in order (distinct from the reference lines' red, green and purple). */
    public static final Color[] PALETTE = {new Color(20, 60, 140), new Color(230, 120, 20), new Color(0, 150, 160),
        new Color(130, 80, 30), new Color(210, 50, 170), new Color(90, 90, 90), new Color(110, 170, 40)};

    private LinePlot() {
    }

    /** One curve: y against x, named in the legend; dashed so that a curve lying on another stays visible. */
    public record Series(String name, double[] x, double[] y, boolean dashed) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "' needs one y per x, got " + x.length + " and " + y.length);
            }
        }

        /** A solid curve. */
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    public static BufferedImage draw(String title, String xLabel, String yLabel, boolean logY, List<Series> series,
                                     List<LossPlot.Reference> references) {
        XYSeriesCollection data = new XYSeriesCollection();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                if (Double.isFinite(y) && Double.isFinite(s.x()[i]) && (!logY || y > 0)) {
                    xy.add(s.x()[i], y);
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        LossPlot.style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int k = 0; k < series.size(); k++) {
            r.setSeriesPaint(k, PALETTE[k % PALETTE.length]);
            r.setSeriesStroke(k, series.get(k).dashed()
                    ? new BasicStroke(2.0f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 8f}, 0f)
                    : new BasicStroke(2.0f));
        }
        plot.setRenderer(r);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);   // later curves on top: a dashed one shows over its twin
        if (logY) {
            LogAxis axis = new LogAxis(yLabel);
            axis.setBase(10);
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());   // ticks at powers of ten
            axis.setSmallestValue(Double.MIN_NORMAL);
            plot.setRangeAxis(axis);
        }
        double[] range = LossPlot.addReferences(plot, references, lo, hi);
        if (range[0] < range[1]) {
            if (logY) {
                plot.getRangeAxis().setRange(range[0] / 2, range[1] * 2);
            } else {
                double pad = 0.05 * (range[1] - range[0]);
                plot.getRangeAxis().setRange(range[0] - pad, range[1] + pad);
            }
        }
        return chart.createBufferedImage(WIDTH, HEIGHT);
    }

    /** Draws and writes the PNG atomically. */
    public static void write(Path png, String title, String xLabel, String yLabel, boolean logY, List<Series> series,
                             List<LossPlot.Reference> references) throws IOException {
        LossPlot.writePng(png, draw(title, xLabel, yLabel, logY, series, references));
    }
}
