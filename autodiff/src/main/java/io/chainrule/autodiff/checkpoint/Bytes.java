package io.chainrule.autodiff.checkpoint;

import java.util.Locale;

/**
 * Byte quantities as people write them: {@code 512MiB}, {@code 1GiB}, {@code 1.5GB}, {@code 4096}
 * (bytes). Binary units (KiB, MiB, GiB, TiB) are powers of 1024, decimal ones (kB, MB, GB, TB)
 * powers of 1000; the unit is case-insensitive and may follow a space.
 */
public final class Bytes {
    private Bytes() {
    }

    private static final String[] UNITS = {"b", "kib", "mib", "gib", "tib", "kb", "mb", "gb", "tb", "k", "m", "g", "t"};
    private static final double[] FACTORS = {1, 1L << 10, 1L << 20, 1L << 30, 1L << 40, 1e3, 1e6, 1e9, 1e12,
        1L << 10, 1L << 20, 1L << 30, 1L << 40};

    /**
     * The number of bytes {@code text} says; an error naming the text and the accepted forms when it
     * is not one, not positive, or beyond a long.
     */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a byte quantity is missing; write one such as 512MiB, 1GiB or 1000000");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        String number = s.substring(0, end);
        String unit = s.substring(end).trim();
        double factor = unit.isEmpty() ? 1 : -1;
        for (int i = 0; i < UNITS.length && factor < 0; i++) {
            if (UNITS[i].equals(unit)) {
                factor = FACTORS[i];
            }
        }
        double value;
        try {
            value = number.isEmpty() ? Double.NaN : Double.parseDouble(number);
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (factor < 0 || Double.isNaN(value)) {
            throw new IllegalArgumentException("'" + text + "' is not a byte quantity; write a number with an optional "
                    + "unit: B, KiB, MiB, GiB, TiB (powers of 1024) or kB, MB, GB, TB (powers of 1000), e.g. 512MiB");
        }
        double bytes = value * factor;
        if (!(bytes >= 1) || bytes >= 0x1p63) {
            throw new IllegalArgumentException("'" + text + "' is " + (bytes < 1 ? "less than one byte" : "beyond 8 EiB")
                    + "; a byte quantity must be at least 1 byte");
        }
        return (long) Math.floor(bytes);
    }

    /** {@code bytes} in the largest binary unit it reaches, with three significant digits ({@code 1.50 GiB}). */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }
}
