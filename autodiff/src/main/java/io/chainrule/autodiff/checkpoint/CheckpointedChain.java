package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.GradMode;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;

import java.util.Arrays;

/**
 * A chain of T repeated steps whose activations are kept or recomputed according to a
 * {@link Schedule}.
 *
 * <pre>{@code
 * Var[] last = CheckpointedChain.run(step, new Var[] {h0, Var.constant(0.0)}, 1000, Schedule.optimal(10));
 * last[1].backward();   // gradients bitwise equal to Schedule.storeAll(), with 10 states kept
 * }</pre>
 *
 * <p>With {@link Schedule#storeAll()}, or when grad mode is off, this is the loop
 * {@code for t in 0..T-1: state = step.apply(state, t)}. Otherwise the steps are grouped into
 * {@link Checkpoint}s as the schedule says (nested ones for the binomial schedule); backward
 * recomputes them. Gradients, final values and random draws are bitwise identical to the loop's.
 * The number of step evaluations and the memory held are those of {@link Planner#plan}.
 */
public final class CheckpointedChain {
    private CheckpointedChain() {
    }

    /**
     * Runs {@code steps} steps from {@code initialState} and returns the final state (a new
     * array). The initial state array is not modified.
     */
    public static Var[] run(Step step, Var[] initialState, int steps, Schedule schedule) {
        if (step == null) {
            throw new IllegalArgumentException("step must not be null");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule must not be null");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("number of steps must not be negative, got " + steps);
        }
        if (initialState == null || initialState.length == 0) {
            throw new IllegalArgumentException("the initial state needs at least one value");
        }
        int[][] shapes = new int[initialState.length][];
        for (int i = 0; i < initialState.length; i++) {
            if (initialState[i] == null) {
                throw new IllegalArgumentException("initial state value " + i + " is null");
            }
            shapes[i] = initialState[i].shape();
        }
        return new Chain(step, shapes).advance(initialState.clone(), 0, steps, schedule.layout(steps));
    }

    /**
     * The bytes a checkpoint keeps for {@code state}: 8 (one float64) for every element of every
     * value, whether or not it requires a gradient. The unit of {@link Schedule#budget}.
     */
    public static long stateBytes(Var... state) {
        long bytes = 0;
        for (Var v : state) {
            bytes += 8L * v.value().size();
        }
        return bytes;
    }

    /** The step function and the state's shapes, shared by every segment of one run. */
    private static final class Chain {
        private final Step step;
        private final int[][] shapes;

        Chain(Step step, int[][] shapes) {
            this.step = step;
            this.shapes = shapes;
        }

        /** Steps {@code [from, from + length)} from {@code state}, laid out by {@code layout} when recording. */
        Var[] advance(Var[] state, int from, int length, Layout layout) {
            if (!GradMode.isEnabled()) {
                // a checkpoint's forward, or an unrecorded run: nested checkpoints would be transparent anyway
                return loop(state, from, length);
            }
            for (Part p : layout.parts(from, length)) {
                if (p.taped()) {
                    state = loop(state, p.from(), p.length());
                } else {
                    state = Checkpoint.apply(in -> advance(in, p.from(), p.length(), p.inner()), state);
                }
            }
            return state;
        }

        private Var[] loop(Var[] state, int from, int length) {
            for (int t = from; t < from + length; t++) {
                Var[] next = step.apply(state.clone(), t);
                check(next, t);
                state = next;
            }
            return state;
        }

        private void check(Var[] next, int t) {
            if (next == null || next.length != shapes.length) {
                throw new IllegalStateException("step " + t + " returned " + (next == null ? "null" : next.length + " values")
                        + " for a state of " + shapes.length + " values");
            }
            for (int i = 0; i < next.length; i++) {
                if (next[i] == null) {
                    throw new IllegalStateException("step " + t + " returned null for state value " + i);
                }
                if (!next[i].value().hasShape(shapes[i])) {
                    throw new IllegalStateException("step " + t + " changed state value " + i + " from shape "
                            + Shape.format(shapes[i]) + " to " + Shape.format(next[i].shape())
                            + "; a chain's state keeps its shapes (" + Arrays.deepToString(shapes) + ")");
                }
            }
        }
    }
}
