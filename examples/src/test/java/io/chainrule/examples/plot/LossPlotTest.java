package io.chainrule.examples.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossPlotTest {

    private static long countColor(BufferedImage img, int rgb, int tolerance) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) <= tolerance
                        && Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255)) <= tolerance
                        && Math.abs((p & 255) - (rgb & 255)) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void writesAPngOfTheExpectedSizeWithTheCurveAndTheReferenceLine(@TempDir Path dir) throws IOException {
        int n = 300;
        long[] it = new long[n];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            it[i] = i + 1;
            loss[i] = 2.0 * Math.exp(-i / 60.0) + 0.5 + 0.05 * Math.sin(i);
        }
        loss[10] = Double.NaN;   // a non-finite loss is skipped, not drawn
        Path png = dir.resolve("loss.png");
        LossPlot.write(png, "brackets, lstm", "loss", it, loss, List.of(new LossPlot.Reference("best constant prediction", 1.6)));

        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "the file decodes as an image");
        assertEquals(LossPlot.WIDTH, img.getWidth());
        assertEquals(LossPlot.HEIGHT, img.getHeight());
        assertTrue(countColor(img, 0x143C8C, 10) > 300, "the moving average is drawn in dark blue");
        assertTrue(countColor(img, 0xC83C28, 10) > 100, "the reference line is drawn in red");
    }

    @Test
    void aSingleIterationStillMakesAPlot(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("one.png");
        LossPlot.write(png, "one", "loss", new long[] {1}, new double[] {0.7}, List.of());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(LossPlot.WIDTH, img.getWidth());
        assertEquals(LossPlot.HEIGHT, img.getHeight());
    }
}
