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
        return percent ? String.format(java.util.Locale.ROOT, "%.1f%%", 100 * value)
                : String.format(java.util.Locale.ROOT, "%.4f", value);
    }
}
