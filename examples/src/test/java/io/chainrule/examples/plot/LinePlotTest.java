package io.chainrule.examples.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinePlotTest {

    static long pixelsOf(BufferedImage img, Color c) {
        return LinePlotTestColours.pixelsOf(img, c);
    }

    static List<LinePlot.Series> geometric(double... ratios) {
        List<LinePlot.Series> out = new ArrayList<>();
        for (double r : ratios) {
            double[] x = new double[50];
            double[] y = new double[50];
            for (int t = 0; t < 50; t++) {
                x[t] = t;
                y[t] = Math.pow(r, 49 - t);
            }
            out.add(new LinePlot.Series("ratio " + r, x, y));
        }
        return out;
    }

    @Test
    void everyCurveIsDrawnInItsOwnColourOnALogScale(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("curves.png");
        LinePlot.write(png, "geometric", "t", "value", true, geometric(0.5, 0.9, 1.0, 1.1, 1.5), List.of());
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "the file decodes as an image");
        assertEquals(LinePlot.WIDTH, img.getWidth());
        assertEquals(LinePlot.HEIGHT, img.getHeight());
        for (int k = 0; k < 5; k++) {
            assertTrue(pixelsOf(img, LinePlot.PALETTE[k]) > 100, "curve " + k + " is drawn");
        }
    }

    @Test
    void aLogScaleLeavesOutValuesThatAreNotPositive(@TempDir Path dir) throws IOException {
        List<LinePlot.Series> s = List.of(new LinePlot.Series("with zeros", new double[] {0, 1, 2, 3},
                new double[] {0.0, 1e-3, -1, Double.NaN}));
        BufferedImage img = LinePlot.draw("zeros", "t", "v", true, s, List.of());
        assertEquals(LinePlot.WIDTH, img.getWidth());
    }

    @Test
    void referenceLinesAreDrawnBesideTheCurves() {
        BufferedImage img = LinePlot.draw("losses", "iteration", "loss", false, geometric(0.9, 0.95),
                List.of(new LossPlot.Reference("best constant prediction", 0.5)));
        assertTrue(pixelsOf(img, new Color(200, 60, 40)) > 100, "the reference line is drawn in red");
    }

    @Test
    void aSeriesNeedsOneYPerX() {
        assertThrows(IllegalArgumentException.class, () -> new LinePlot.Series("bad", new double[2], new double[3]));
    }

    @Test
    void theMovingAverageSkipsValuesThatAreNotFinite() {
        double[] avg = MovingAverage.of(new double[] {1, 3, Double.NaN, 5, 7}, 2);
        assertArrayEquals(new double[] {Double.NaN, 2, 3, 5, 6}, avg, 0.0);
        assertArrayEquals(new double[] {4}, MovingAverage.of(new double[] {4}, 1), 0.0);
        assertThrows(IllegalArgumentException.class, () -> MovingAverage.of(new double[] {1}, 0));
    }
}
