package io.chainrule.examples.train;

import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.examples.task.Seeds;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;

/**
 * A BPTT strategy as the command line writes it ({@code full}, {@code truncated:TAU},
 * {@code randomized:PI}, {@code checkpoint:sqrt}, {@code checkpoint:every=K},
 * {@code checkpoint:slots=S}), parsed by the library's {@link Bptt#parse}. Randomized truncation
 * is re-seeded at every iteration from (seed, iteration), so its draws, like the data, are the
 * same in a resumed run.
 */
public final class StrategySpec {
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
            String message = e.getMessage();
            // the schedule's own message ("needs at least one slot, got 0") without the spec is unclear
            throw new IllegalArgumentException(message.contains(s) ? message
                    : "cannot parse BPTT strategy '" + spec + "': " + message, e);
        }
        return new StrategySpec(s, s.startsWith("randomized:") ? null : probe);
    }

    /** The strategy for iteration {@code iteration} of a run seeded with {@code seed}. */
    public BpttStrategy at(long seed, long iteration) {
        return fixed != null ? fixed : Bptt.parse(spec, Seeds.derive(seed, Seeds.STRATEGY, iteration));
    }

    /** The checkpoint schedule of {@code checkpoint:*} strategies, null for the others. */
    public Schedule schedule() {
        if (spec.equals("checkpoint:sqrt")) {
            return Schedule.sqrtT();
        }
        if (spec.startsWith("checkpoint:every=")) {
            return Schedule.everyK(Integer.parseInt(spec.substring("checkpoint:every=".length())));
        }
        if (spec.startsWith("checkpoint:slots=")) {
            return Schedule.optimal(Integer.parseInt(spec.substring("checkpoint:slots=".length())));
        }
        return null;
    }

    @Override
    public String toString() {
        return spec;
    }
}
