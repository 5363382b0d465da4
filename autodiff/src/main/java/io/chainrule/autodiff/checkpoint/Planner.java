package io.chainrule.autodiff.checkpoint;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The cost of a schedule, without running it.
 *
 * <p>{@link #plan} walks the parts {@link CheckpointedChain#run} creates in forward and, in the
 * order the engine differentiates them (last created first), the parts each checkpoint creates
 * when it is recomputed. It counts step evaluations and the states and recorded steps held at each
 * moment. Tests check that a real run calls the step function exactly {@link Plan#evaluations()}
 * times and that {@link Plan#peakBytes} matches the engine's own accounting.
 *
 * <p>For {@link Schedule#optimal(int) optimal(s)} the count equals Griewank's closed form
 * {@link #binomialExtraForward(int, int)}: {@code T + p(T, s)} evaluations.
 */
public final class Planner {
    private Planner() {
    }

    /** The cost of differentiating a chain of {@code steps} steps once under {@code schedule}. */
    public static Plan plan(int steps, Schedule schedule) {
        if (steps < 0) {
            throw new IllegalArgumentException("number of steps must not be negative, got " + steps);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule must not be null");
        }
        Layout layout = schedule.layout(steps);
        Walk w = walk(layout, steps, 0, 0);
        return new Plan(steps, schedule, layout, w.evaluations, w.peakStates, w.peakRecorded);
    }

    /**
     * Griewank's minimal number of unrecorded step evaluations to reverse {@code steps} steps with
     * {@code slots} stored states, one step recorded at a time:
     * {@code p(l, s) = r·l − C(s + r, s + 1)} where r is the smallest integer with
     * {@code C(s + r, s) ≥ l} (so {@code p(l, 1) = l(l − 1)/2} and {@code p(l, s) = l − 1} when
     * {@code l ≤ s + 1}). Exact; {@code slots} must be at least 1.
     */
    public static long binomialExtraForward(int steps, int slots) {
        return Revolve.extraForward(steps, slots);
    }

    static Walk walk(Layout layout, int steps, long bytesPerState, long bytesPerStep) {
        Walk w = new Walk(bytesPerState, bytesPerStep);
        Deque<Part> pending = new ArrayDeque<>();
        w.forward(layout.parts(0, steps), pending);
        while (!pending.isEmpty()) {
            Part p = pending.pop();
            if (p.taped()) {
                w.recorded -= p.length();
            } else {
                w.states--; // a checkpoint frees its state when its recomputation starts
                w.forward(p.inner().parts(p.from(), p.length()), pending);
            }
        }
        return w;
    }

    /** Counters of one walk. */
    static final class Walk {
        private final long bytesPerState;
        private final long bytesPerStep;
        long evaluations;
        int states;
        int recorded;
        int peakStates;
        int peakRecorded;
        long peakBytes;

        Walk(long bytesPerState, long bytesPerStep) {
            this.bytesPerState = bytesPerState;
            this.bytesPerStep = bytesPerStep;
        }

        /** Runs {@code parts} with recording on; backward will meet them in reverse order. */
        void forward(List<Part> parts, Deque<Part> pending) {
            for (Part p : parts) {
                evaluations += p.length();
                if (p.taped()) {
                    recorded += p.length();
                } else {
                    states++;
                }
                peakStates = Math.max(peakStates, states);
                peakRecorded = Math.max(peakRecorded, recorded);
                peakBytes = Math.max(peakBytes, states * bytesPerState + recorded * bytesPerStep);
                pending.push(p);
            }
        }
    }
}
