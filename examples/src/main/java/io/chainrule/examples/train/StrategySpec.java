package io.chainrule.examples.train;

import io.chainrule.examples.task.Seeds;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;

import java.util.regex.Pattern;

/**
 * A BPTT strategy as the command line writes it ({@code full}, {@code truncated:TAU},
 * {@code randomized:PI}, {@code checkpoint:sqrt}, {@code checkpoint:slots=S}), parsed by the
 * library's {@link Bptt#parse}. Randomized truncation is re-seeded at every iteration from
 * (seed, iteration), so its draws, like the data, are the same in a resumed run.
 */
public final class StrategySpec {
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint:(sqrt|slots=[1-9][0-9]*)");

    private final String spec;
    private final BpttStrategy fixed;   // null when the strategy draws random numbers

    private StrategySpec(String spec, BpttStrategy fixed) {
        this.spec = spec;
        this.fixed = fixed;
    }

    /** Parses and validates {@code spec}; errors say what is expected. */
    public static StrategySpec parse(String spec) {
        String s = spec.trim();
        BpttStrategy probe;
        try {
            probe = Bptt.parse(s, 0L);
        } catch (IllegalArgumentException e) {
            if (s.startsWith("checkpoint:")) {
                if (!CHECKPOINT.matcher(s).matches()) {
                    throw new IllegalArgumentException("cannot parse BPTT strategy '" + spec
                            + "': expected checkpoint:sqrt or checkpoint:slots=S with S a positive integer");
                }
                throw new IllegalArgumentException("checkpointed BPTT ('" + spec + "') is not in this build of the library yet;"
                        + " use full, truncated:TAU or randomized:PI");
            }
            throw e;
        }
        return new StrategySpec(s, s.startsWith("randomized:") ? null : probe);
    }

    /** The strategy for iteration {@code iteration} of a run seeded with {@code seed}. */
    public BpttStrategy at(long seed, long iteration) {
        return fixed != null ? fixed : Bptt.parse(spec, Seeds.derive(seed, Seeds.STRATEGY, iteration));
    }

    @Override
    public String toString() {
        return spec;
    }
}
