package io.chainrule.examples.plot;

import java.awt.Color;
import java.awt.image.BufferedImage;

/** Counting the pixels of a colour in a drawn chart, for tests of the plots. */
public final class LinePlotTestColours {
    private LinePlotTestColours() {
    }

    /** Pixels within 10 of {@code c} in every channel. */
    public static long pixelsOf(BufferedImage img, Color c) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs(((p >> 16) & 255) - c.getRed()) <= 10 && Math.abs(((p >> 8) & 255) - c.getGreen()) <= 10
                        && Math.abs((p & 255) - c.getBlue()) <= 10) {
                    n++;
                }
            }
        }
        return n;
    }
}
