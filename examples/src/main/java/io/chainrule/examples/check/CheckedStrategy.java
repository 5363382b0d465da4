package io.chainrule.examples.check;

import io.chainrule.examples.train.StrategySpec;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import org.apache.commons.math3.random.Well19937c;

import java.util.Arrays;
import java.util.Locale;

/**
 * A BPTT strategy in a form whose gradients have a definite objective: full, truncated and
 * checkpointed as written, and {@code randomized:PI} with its draws ξ_t fixed in advance (drawn from a seed:
 * ξ_t = 1/π with probability π, else 0), since gradients of fresh random draws could not be
 * compared with anything.
 */
public record CheckedStrategy(String spec, BpttStrategy strategy, double[] draws) {

    /** Parses {@code spec} as the command line writes it; randomized draws are made for {@code steps} steps. */
    public static CheckedStrategy of(String spec, int steps, long seed) {
        String s = StrategySpec.parse(spec).toString();
        if (!s.startsWith("randomized:")) {
            return new CheckedStrategy(s, Bptt.parse(s, seed), null);
        }
        double pi = Double.parseDouble(s.substring("randomized:".length()));
        Well19937c rng = new Well19937c(seed);
        double[] xi = new double[steps];
        for (int t = 0; t < steps; t++) {
            xi[t] = rng.nextDouble() < pi ? 1.0 / pi : 0.0;
        }
        return new CheckedStrategy(s, Bptt.randomizedWithDraws(xi), xi);
    }

    /** The fixed draws as a line for people, or null when the strategy has none. */
    public String describeDraws() {
        if (draws == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(spec).append(" uses the fixed draws xi = [");
        for (int t = 0; t < draws.length; t++) {
            sb.append(t == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3g", draws[t]));
        }
        return sb.append("] (").append(Arrays.stream(draws).filter(x -> x == 0).count()).append(" cuts)").toString();
    }
}
