package io.chainrule.rnn.bptt;

import java.util.Arrays;

/**
 * Regular truncation: the gradient path through the state is cut before steps τ, 2τ, 3τ, ...
 * (0-based: ξ_t = 0 there, 1 elsewhere), so no gradient flows further back than the start of the
 * current length-τ window. Forward values are unchanged. τ ≥ T is full BPTT.
 */
final class TruncatedBptt implements BpttStrategy {
    private final int tau;

    TruncatedBptt(int tau) {
        if (tau <= 0) {
            throw new IllegalArgumentException("truncation length tau must be positive, got " + tau);
        }
        this.tau = tau;
    }

    @Override
    public double[] gradientScales(int steps) {
        double[] xi = new double[steps];
        Arrays.fill(xi, 1.0);
        for (int t = tau; t < steps; t += tau) {
            xi[t] = 0.0;
        }
        return xi;
    }

    @Override
    public String name() {
        return "truncated:" + tau;
    }
}
