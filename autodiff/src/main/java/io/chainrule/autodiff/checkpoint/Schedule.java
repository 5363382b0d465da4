package io.chainrule.autodiff.checkpoint;

/**
 * Which states of a chain of T steps are kept during the forward pass and how the rest are
 * recomputed during backward. The cost of each, for a given T, is in {@link Planner#plan}.
 *
 * <ul>
 *   <li>{@link #storeAll()}: record every step; nothing is recomputed.</li>
 *   <li>{@link #everyK(int)}: a checkpoint every k steps; backward recomputes each segment once.</li>
 *   <li>{@link #sqrtT()}: {@code everyK(ceil(sqrt(T)))}, about √T stored states and √T recorded steps.</li>
 *   <li>{@link #optimal(int)}: Griewank's binomial schedule (revolve) with a number of stored states:
 *       the fewest step evaluations possible with that many states and one recorded step at a time.</li>
 *   <li>{@link #budget(long, long)}: the binomial schedule with as many states as fit in a byte budget.</li>
 *   <li>{@link #budget(long, long, long)}: the cheapest schedule whose states <em>and</em> recorded
 *       steps fit in a byte budget.</li>
 *   <li>{@link #budget(long)}: the same, with the bytes of a state and of a step measured on the
 *       chain by whoever runs it.</li>
 * </ul>
 */
public abstract sealed class Schedule {

    private Schedule() {
    }

    /** Every step recorded, no recomputation. */
    public static Schedule storeAll() {
        return StoreAll.INSTANCE;
    }

    /**
     * A checkpoint at steps 0, k, 2k, …: each segment of k steps (the last may be shorter) keeps
     * only the state it starts from and is recomputed, recorded, when backward reaches it. The last
     * segment is recorded directly. For T steps in m = ceil(T/k) segments: {@code 2T − last}
     * evaluations, where {@code last = T − k·(m − 1)} is the length of the last segment; m − 1
     * stored states and at most k recorded steps at a time.
     */
    public static Schedule everyK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("segment length must be at least 1, got " + k);
        }
        return new Uniform(k);
    }

    /** {@link #everyK} with {@code k = ceil(sqrt(T))}. */
    public static Schedule sqrtT() {
        return new Uniform(0);
    }

    /**
     * Griewank's binomial schedule with {@code slots} stored states (the state the chain starts
     * from counts as one): {@code T + p(T, slots)} evaluations, the minimum for that many states
     * when one step is recorded at a time, where p is the closed form in {@link Planner}. At most
     * {@code slots} states and one recorded step are held at once. Realized with nested checkpoints
     * (see the package documentation).
     */
    public static Schedule optimal(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("the binomial schedule needs at least one slot, got " + slots);
        }
        return new Binomial(slots, 0, 0);
    }

    /**
     * {@link #optimal(int)} with {@code slots = floor(bytes / bytesPerState)}. One state is what a
     * checkpoint keeps for it: 8 bytes for every element of every {@code Var} in the state,
     * accumulators included ({@link CheckpointedChain#stateBytes}). The budget covers the stored
     * states only: the activations of the step being differentiated (one step's saved tensors) and
     * whatever the caller records outside the chain come on top. A budget that holds no state is
     * an error for chains of more than one step.
     */
    public static Schedule budget(long bytes, long bytesPerState) {
        if (bytesPerState < 1) {
            throw new IllegalArgumentException("bytes per state must be positive, got " + bytesPerState);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("memory budget must not be negative, got " + bytes);
        }
        return new Binomial(0, bytes, bytesPerState);
    }

    /**
     * The schedule with the fewest step evaluations whose planned peak of
     * {@code states · bytesPerState + recordedSteps · bytesPerStep} ({@link Plan#peakBytes}) fits
     * in {@code bytes}: the budget covers the recorded steps too, unlike {@link #budget(long, long)}.
     *
     * <p>It is chosen from the binomial schedules over blocks of k consecutive steps, for every k:
     * a block is recorded as a whole when it is reversed, so it holds k steps' activations but is
     * recomputed only once, and the binomial schedule runs over the blocks with the most slots whose
     * planned peak fits. k = 1 is {@link #optimal(int)}; with enough slots
     * for every block it is {@link #everyK(int) everyK(k)}; one block of T steps is
     * {@link #storeAll()}. When one state is much smaller than one step's activations (an RNN state
     * h against the tensors a step saves), recording a few steps at a time costs far fewer
     * evaluations than revolve proper with the same bytes: this is how to spend a budget such as
     * "5% of storing everything". Optimal within that family, not over every possible schedule.
     * Measure {@code bytesPerStep} as the {@link io.chainrule.autodiff.Memory} peak of a
     * {@link #storeAll()} run over T.
     */
    public static Schedule budget(long bytes, long bytesPerState, long bytesPerStep) {
        if (bytesPerState < 1 || bytesPerStep < 1) {
            throw new IllegalArgumentException("bytes per state and per step must be positive, got "
                    + bytesPerState + " and " + bytesPerStep);
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("memory budget must not be negative, got " + bytes);
        }
        return new BlockBudget(bytes, bytesPerState, bytesPerStep);
    }

    /**
     * The cheapest schedule whose stored states and recorded steps fit in {@code bytes}, like
     * {@link #budget(long, long, long)}, with the bytes of a state and of a recorded step measured
     * on the chain itself instead of given: the caller that runs the chain measures them and
     * {@linkplain #measured resolves} this schedule before laying it out ({@code Unroll} does, by
     * recording one chunk of steps on the side). Running a chain with it unresolved is an error.
     */
    public static Schedule budget(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("memory budget must be positive, got " + bytes);
        }
        return new Measured(bytes);
    }

    /** Whether this schedule needs the bytes of a state and of a step before it can run ({@link #budget(long)}). */
    public boolean needsMeasurement() {
        return false;
    }

    /**
     * This schedule with the bytes of one state and of one recorded step filled in: for
     * {@link #budget(long)}, {@code budget(bytes - overhead, bytesPerState, bytesPerStep)}, where
     * {@code overhead} is what the caller holds besides (one step's inputs, say); other schedules are
     * returned as they are.
     */
    public Schedule measured(long bytesPerState, long bytesPerStep, long overhead) {
        return this;
    }

    /** The byte budget of {@link #budget(long)}, or -1 for other schedules. */
    public long budgetBytes() {
        return -1;
    }

    /** The layout of a chain of {@code steps} steps under this schedule. */
    abstract Layout layout(int steps);

    private static final class Measured extends Schedule {
        private final long bytes;

        Measured(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public boolean needsMeasurement() {
            return true;
        }

        @Override
        public long budgetBytes() {
            return bytes;
        }

        @Override
        public Schedule measured(long bytesPerState, long bytesPerStep, long overhead) {
            long left = bytes - Math.max(0, overhead);
            if (left < bytesPerState + bytesPerStep) {
                throw new IllegalArgumentException("a memory budget of " + Bytes.format(bytes) + " holds no schedule: "
                        + "one stored state takes " + Bytes.format(bytesPerState) + ", one recorded step "
                        + Bytes.format(bytesPerStep) + ", and " + Bytes.format(Math.max(0, overhead))
                        + " is held besides; give at least " + Bytes.format(bytesPerState + bytesPerStep + Math.max(0, overhead)));
            }
            return new BlockBudget(left, Math.max(1, bytesPerState), Math.max(1, bytesPerStep));
        }

        @Override
        Layout layout(int steps) {
            throw new IllegalStateException("budget(" + Bytes.format(bytes) + ") must be resolved with the measured bytes "
                    + "of a state and a step (Schedule.measured) before it lays out a chain");
        }

        @Override
        public String toString() {
            return "budget(" + Bytes.format(bytes) + ")";
        }
    }

    private static final class StoreAll extends Schedule {
        static final StoreAll INSTANCE = new StoreAll();

        @Override
        Layout layout(int steps) {
            return Layout.TAPED;
        }

        @Override
        public String toString() {
            return "storeAll";
        }
    }

    private static final class Uniform extends Schedule {
        /** Segment length, or 0 for ceil(sqrt(T)). */
        private final int k;

        Uniform(int k) {
            this.k = k;
        }

        @Override
        Layout layout(int steps) {
            int length = k > 0 ? k : Math.max(1, (int) Math.ceil(Math.sqrt(steps)));
            return new Layout.Uniform(length);
        }

        @Override
        public String toString() {
            return k > 0 ? "everyK(" + k + ")" : "sqrtT";
        }
    }

    private static final class Binomial extends Schedule {
        private final int slots;
        private final long bytes;
        private final long bytesPerState;

        Binomial(int slots, long bytes, long bytesPerState) {
            this.slots = slots;
            this.bytes = bytes;
            this.bytesPerState = bytesPerState;
        }

        @Override
        Layout layout(int steps) {
            long s = slots > 0 ? slots : bytes / bytesPerState;
            if (s < 1 && steps > 1) {
                throw new IllegalArgumentException("a budget of " + bytes + " bytes holds no state of " + bytesPerState
                        + " bytes; a chain of " + steps + " steps needs at least one stored state");
            }
            // more than steps − 1 slots are never used
            return new Layout.Binomial((int) Math.max(1, Math.min(s, Math.max(1, steps - 1))), 1);
        }

        @Override
        public String toString() {
            return slots > 0 ? "optimal(" + slots + ")" : "budget(" + bytes + " B, " + bytesPerState + " B/state)";
        }
    }

    private static final class BlockBudget extends Schedule {
        private final long bytes;
        private final long bytesPerState;
        private final long bytesPerStep;
        /** The last resolution, {steps, layout}: planning and running the same chain resolve once. */
        private volatile Object[] resolved;

        BlockBudget(long bytes, long bytesPerState, long bytesPerStep) {
            this.bytes = bytes;
            this.bytesPerState = bytesPerState;
            this.bytesPerStep = bytesPerStep;
        }

        @Override
        Layout layout(int steps) {
            Object[] last = resolved;
            if (last != null && (int) last[0] == steps) {
                return (Layout) last[1];
            }
            Layout layout = choose(steps);
            resolved = new Object[] {steps, layout};
            return layout;
        }

        /**
         * For every block length k whose one recorded block fits, the most slots whose planned peak
         * fits (by bisection: more slots never lower the peak), then the fewest evaluations.
         * Planning block length k walks about T/k blocks: O(T log² T) in all.
         */
        private Layout choose(int steps) {
            if (steps == 0) {
                return Layout.TAPED;
            }
            Layout best = null;
            long bestEvaluations = Long.MAX_VALUE;
            long bestPeak = Long.MAX_VALUE;
            for (int k = 1; k <= steps && k <= bytes / bytesPerStep; k++) {
                int blocks = (int) ((steps + (long) k - 1) / k);
                Layout candidate = null;
                Planner.Walk walk = null;
                if (blocks == 1) {
                    candidate = Layout.TAPED;
                    walk = Planner.walk(candidate, steps, bytesPerState, bytesPerStep);
                } else {
                    int lo = 1;
                    int hi = (int) Math.min(blocks - 1, bytes / bytesPerState);
                    while (lo <= hi) {
                        int mid = (lo + hi) >>> 1;
                        Layout l = new Layout.Binomial(mid, k);
                        Planner.Walk w = Planner.walk(l, steps, bytesPerState, bytesPerStep);
                        if (w.peakBytes <= bytes) {
                            candidate = l;
                            walk = w;
                            lo = mid + 1;
                        } else {
                            hi = mid - 1;
                        }
                    }
                }
                if (walk != null && walk.peakBytes <= bytes && (walk.evaluations < bestEvaluations
                        || walk.evaluations == bestEvaluations && walk.peakBytes < bestPeak)) {
                    best = candidate;
                    bestEvaluations = walk.evaluations;
                    bestPeak = walk.peakBytes;
                }
            }
            if (best == null) {
                throw new IllegalArgumentException("a budget of " + bytes + " bytes holds no schedule for " + steps
                        + " steps: it needs at least one state of " + bytesPerState + " bytes and one recorded step of "
                        + bytesPerStep + " bytes");
            }
            return best;
        }

        @Override
        public String toString() {
            return "budget(" + bytes + " B, " + bytesPerState + " B/state, " + bytesPerStep + " B/step)";
        }
    }
}
