package io.chainrule.rnn.bptt;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

import java.util.Arrays;

/**
 * Randomized truncation (Tallec and Ollivier 2017): the gradient flowing from step t's state back
 * into step t-1's is multiplied by ξ_t, where P(ξ_t = 1/π_t) = π_t and P(ξ_t = 0) = 1 - π_t, so
 * E[ξ_t] = 1 and the gradient estimate is unbiased; ξ_t = 0 cuts the path. At t = 0, ξ_0 scales
 * the gradient reaching the initial state.
 *
 * <p>Draws come from a seeded generator (fresh draws on every unroll; {@link #lastDraws()} tells
 * which were used) or are fixed ({@link Bptt#randomizedWithDraws}) for checking.
 */
final class RandomizedTruncation implements BpttStrategy {
    private final double[] pi;      // per-step schedule (length 1 = constant)
    private final double[] fixed;   // fixed draws, or null
    private final RandomGenerator rng;
    private double[] lastDraws = new double[0];

    RandomizedTruncation(double[] pi, long seed) {
        if (pi == null || pi.length == 0) {
            throw new IllegalArgumentException("randomized truncation needs at least one probability pi");
        }
        for (int t = 0; t < pi.length; t++) {
            if (!(pi[t] > 0 && pi[t] <= 1)) {
                throw new IllegalArgumentException("randomized truncation: pi must be in (0, 1], got " + pi[t]
                        + (pi.length > 1 ? " at step " + t : ""));
            }
        }
        this.pi = pi.clone();
        this.fixed = null;
        this.rng = new Well19937c(seed);
    }

    RandomizedTruncation(double[] draws) {
        if (draws == null) {
            throw new IllegalArgumentException("fixed draws must not be null");
        }
        for (int t = 0; t < draws.length; t++) {
            if (!Double.isFinite(draws[t]) || draws[t] < 0) {
                throw new IllegalArgumentException("fixed draw xi must be finite and >= 0, got " + draws[t] + " at step " + t);
            }
        }
        this.pi = null;
        this.fixed = draws.clone();
        this.rng = null;
    }

    /** The ξ_t used by the most recent unroll. */
    double[] lastDraws() {
        return lastDraws.clone();
    }

    /** Draws ξ_t (or returns the fixed draws) for one unroll, and remembers them ({@link #lastDraws()}). */
    @Override
    public double[] gradientScales(int steps) {
        double[] xi = draws(steps);
        lastDraws = xi.clone();
        return xi;
    }

    private double[] draws(int steps) {
        if (fixed != null) {
            if (fixed.length < steps) {
                throw new IllegalArgumentException("randomized truncation has " + fixed.length
                        + " fixed draws but the sequence has " + steps + " steps");
            }
            return Arrays.copyOf(fixed, steps);
        }
        if (pi.length != 1 && pi.length < steps) {
            throw new IllegalArgumentException("randomized truncation: the pi schedule has " + pi.length
                    + " entries but the sequence has " + steps + " steps");
        }
        double[] xi = new double[steps];
        for (int t = 0; t < steps; t++) {
            double p = pi.length == 1 ? pi[0] : pi[t];
            xi[t] = p == 1.0 ? 1.0 : (rng.nextDouble() < p ? 1.0 / p : 0.0);
        }
        return xi;
    }

    @Override
    public String name() {
        if (fixed != null) {
            return "randomized:fixed";
        }
        return "randomized:" + (pi.length == 1 ? String.valueOf(pi[0]) : "schedule");
    }
}
