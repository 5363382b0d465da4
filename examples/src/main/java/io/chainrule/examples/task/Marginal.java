package io.chainrule.examples.task;

/** The best constant prediction of a set of targets, and its loss. */
final class Marginal {
    private Marginal() {
    }

    /** Entropy in nats of the empirical distribution given by {@code counts}: the cross-entropy of the best constant prediction. */
    static double entropy(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** Variance of the values: the mean squared error of the best constant prediction (their mean). */
    static double variance(double sum, double sumOfSquares, long n) {
        double mean = sum / n;
        return Math.max(0, sumOfSquares / n - mean * mean);
    }
}
