package io.chainrule.rnn.bptt;

import java.util.Arrays;

/** Full BPTT: the whole unroll is differentiated; gradients flow back to the initial state (ξ_t = 1 everywhere). */
final class FullBptt implements BpttStrategy {
    static final FullBptt INSTANCE = new FullBptt();

    @Override
    public double[] gradientScales(int steps) {
        double[] xi = new double[steps];
        Arrays.fill(xi, 1.0);
        return xi;
    }

    @Override
    public String name() {
        return "full";
    }
}
