package io.chainrule.autodiff.optim;

/**
 * Range checks for hyperparameters. Each throws {@link IllegalArgumentException} naming the
 * optimizer, the argument and the rejected value, and returns the value otherwise.
 */
final class Hyperparameters {
    private Hyperparameters() {
    }

    /** A finite value {@code > 0} (learning rates, eps). */
    static double positive(String who, String name, double value) {
        if (!(value > 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(who + ": " + name + " must be finite and > 0, got " + value);
        }
        return value;
    }

    /** A finite value {@code >= 0} (weight decay). */
    static double nonNegative(String who, String name, double value) {
        if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(who + ": " + name + " must be finite and >= 0, got " + value);
        }
        return value;
    }

    /** A value in {@code [0, 1)} (momentum, betas). */
    static double unitInterval(String who, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(who + ": " + name + " must be in [0, 1), got " + value);
        }
        return value;
    }
}
