package io.chainrule.examples.plot;

/** The trailing moving average of a noisy curve, skipping values that are not finite. */
public final class MovingAverage {
    private MovingAverage() {
    }

    /**
     * {@code out[i]} is the mean of the finite values among {@code values[i - window + 1 .. i]}, or
     * NaN for {@code i < window - 1} and for windows with no finite value.
     */
    public static double[] of(double[] values, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("the window must hold at least one value, got " + window);
        }
        double[] out = new double[values.length];
        double sum = 0;
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            sum += Double.isFinite(v) ? v : 0;
            count += Double.isFinite(v) ? 1 : 0;
            if (i >= window) {
                double old = values[i - window];
                sum -= Double.isFinite(old) ? old : 0;
                count -= Double.isFinite(old) ? 1 : 0;
            }
            out[i] = i >= window - 1 && count > 0 ? sum / count : Double.NaN;
        }
        return out;
    }
}
