package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.checkpoint.Bytes;
import io.chainrule.autodiff.checkpoint.Schedule;

/** The built-in BPTT strategies. */
public final class Bptt {
    private Bptt() {
    }

    /** Full BPTT. */
    public static BpttStrategy full() {
        return FullBptt.INSTANCE;
    }

    /** Regular truncation every {@code tau} steps ({@code tau > 0}). */
    public static BpttStrategy truncated(int tau) {
        return new TruncatedBptt(tau);
    }

    /** Randomized truncation with a constant keep probability {@code pi} in (0, 1], seeded. */
    public static BpttStrategy randomized(double pi, long seed) {
        return new RandomizedTruncation(new double[] {pi}, seed);
    }

    /** Randomized truncation with a per-step keep probability schedule π_t in (0, 1], seeded. */
    public static BpttStrategy randomized(double[] piSchedule, long seed) {
        return new RandomizedTruncation(piSchedule, seed);
    }

    /** Randomized truncation with fixed draws ξ_t (for checking against finite differences). */
    public static BpttStrategy randomizedWithDraws(double... xi) {
        return new RandomizedTruncation(xi);
    }

    /**
     * Full BPTT that recomputes activations per a checkpoint schedule instead of storing them:
     * {@code Schedule.sqrtT()}, {@code Schedule.everyK(k)}, {@code Schedule.optimal(slots)} or a
     * {@code Schedule.budget(...)}. Bitwise the same gradients as {@link #full()}.
     */
    public static BpttStrategy checkpointed(Schedule schedule) {
        return new CheckpointedBptt(FullBptt.INSTANCE, schedule);
    }

    /**
     * Full BPTT within a memory budget of {@code bytes}: the cheapest checkpoint schedule whose
     * stored states and recorded steps fit, with the bytes of a state and of a chunk of steps
     * measured on the unroll itself ({@link Schedule#budget(long)}), the inputs and hoisted
     * projection of the chunk being run counted besides. Bitwise the gradients of {@link #full()}.
     */
    public static BpttStrategy budget(long bytes) {
        return checkpointed(Schedule.budget(bytes));
    }

    /**
     * {@code strategy}'s gradient (its scales, so its cuts and draws) with activations recomputed
     * per {@code schedule} instead of stored: bitwise the gradients of {@code strategy} itself.
     */
    public static BpttStrategy checkpointed(BpttStrategy strategy, Schedule schedule) {
        return new CheckpointedBptt(strategy, schedule);
    }

    /** The ξ_t drawn by the last unroll of a randomized strategy. */
    public static double[] lastDraws(BpttStrategy strategy) {
        if (!(strategy instanceof RandomizedTruncation)) {
            throw new IllegalArgumentException(strategy.name() + " is not a randomized truncation");
        }
        return ((RandomizedTruncation) strategy).lastDraws();
    }

    /**
     * Parses a strategy name as the command line writes it: {@code full}, {@code truncated:TAU},
     * {@code randomized:PI} (seeded with {@code seed}), {@code checkpoint:sqrt},
     * {@code checkpoint:every=K}, {@code checkpoint:slots=S} (the optimal binomial schedule) or
     * {@code checkpoint:budget=BYTES} ({@link #budget}; units such as {@code 512MiB}).
     */
    public static BpttStrategy parse(String spec, long seed) {
        if (spec == null) {
            throw new IllegalArgumentException("strategy must not be null");
        }
        String s = spec.trim();
        try {
            if (s.equals("full")) {
                return full();
            }
            if (s.startsWith("truncated:")) {
                return truncated(Integer.parseInt(s.substring("truncated:".length())));
            }
            if (s.startsWith("randomized:")) {
                return randomized(Double.parseDouble(s.substring("randomized:".length())), seed);
            }
            if (s.equals("checkpoint:sqrt")) {
                return checkpointed(Schedule.sqrtT());
            }
            if (s.startsWith("checkpoint:every=")) {
                return checkpointed(Schedule.everyK(Integer.parseInt(s.substring("checkpoint:every=".length()))));
            }
            if (s.startsWith("checkpoint:budget=")) {
                return budget(Bytes.parse(s.substring("checkpoint:budget=".length())));
            }
            if (s.startsWith("checkpoint:slots=")) {
                return checkpointed(Schedule.optimal(Integer.parseInt(s.substring("checkpoint:slots=".length()))));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot parse BPTT strategy '" + spec + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("unknown BPTT strategy '" + spec
                + "'; expected full, truncated:TAU, randomized:PI, checkpoint:sqrt, checkpoint:every=K, checkpoint:slots=S "
                + "or checkpoint:budget=BYTES");
    }
}
