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

    /** The layout of a chain of {@code steps} steps under this schedule. */
    abstract Layout layout(int steps);

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
            return Layout.uniform(length);
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
            return Layout.binomial((int) Math.max(1, Math.min(s, Math.max(1, steps - 1))));
        }

        @Override
        public String toString() {
            return slots > 0 ? "optimal(" + slots + ")" : "budget(" + bytes + " B, " + bytesPerState + " B/state)";
        }
    }
}
