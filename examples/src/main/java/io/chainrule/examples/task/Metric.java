package io.chainrule.examples.task;

/**
 * One number of a run's report: a stable key (for summary.json and tests), a label for people,
 * the value, and whether it is a fraction to print as a percentage.
 */
public record Metric(String key, String label, double value, boolean percent) {

    public static Metric number(String key, String label, double value) {
        return new Metric(key, label, value, false);
    }

    public static Metric fraction(String key, String label, double value) {
        return new Metric(key, label, value, true);
    }

    /** The value as the report prints it. */
    public String formatted() {
        return percent ? String.format(java.util.Locale.ROOT, "%.1f%%", 100 * value) : format(value);
    }

    /**
     * A loss or other value for people: four decimals where that reads well ({@code 0.6767},
     * {@code 1430.2103}), otherwise four significant digits with an exponent ({@code 5.0123e+301},
     * {@code 1.2000e-07}), never hundreds of digits.
     */
    public static String format(double v) {
        double a = Math.abs(v);
        boolean fixed = !Double.isFinite(v) || a == 0 || (a >= 1e-3 && a < 1e6);
        return String.format(java.util.Locale.ROOT, fixed ? "%.4f" : "%.4e", v);
    }
}
