package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.GradMode;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
        int[][] shapes = checkedShapes(step, initialState, steps, schedule);
        return new Chain(step, shapes, 0).advance(initialState.clone(), 0, steps, schedule.layout(steps), null);
    }

    private static int[][] checkedShapes(Step step, Var[] initialState, int steps, Schedule schedule) {
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
        return shapes;
    }

    /**
     * A chain whose steps also emit values that leave it, such as a recurrent layer's h_t read by
     * the layer above: {@code step} returns the state after step t followed by
     * {@code outputsPerStep} outputs of step t. Returns the final state followed by every step's
     * outputs, step 0's first. A checkpoint returns the outputs of the steps it covers beside the
     * state it ends with, and recomputing it recomputes them, so gradients reaching the outputs
     * are bitwise those of {@link Schedule#storeAll()}, as for {@link #run}, when each output is a
     * value of its own made right after its step's state (for instance {@code Ops.identity(h)}).
     * The outputs themselves are held by whoever reads them: checkpointing saves only what the
     * steps compute on the way.
     */
    public static Var[] runEmitting(Step step, Var[] initialState, int steps, Schedule schedule, int outputsPerStep) {
        if (outputsPerStep < 0) {
            throw new IllegalArgumentException("outputs per step must not be negative, got " + outputsPerStep);
        }
        int[][] shapes = checkedShapes(step, initialState, steps, schedule);
        List<Var> emitted = new ArrayList<>((int) Math.min((long) steps * outputsPerStep, 1 << 20));
        Var[] last = new Chain(step, shapes, outputsPerStep).advance(initialState.clone(), 0, steps, schedule.layout(steps), emitted);
        Var[] out = Arrays.copyOf(last, last.length + emitted.size());
        for (int i = 0; i < emitted.size(); i++) {
            out[last.length + i] = emitted.get(i);
        }
        return out;
    }

    /**
     * The bytes a checkpoint keeps for {@code state}: 8 for every float64 element and 4 for every
     * float32 one, of every value, whether or not it requires a gradient. The unit of
     * {@link Schedule#budget}.
     */
    public static long stateBytes(Var... state) {
        long bytes = 0;
        for (Var v : state) {
            bytes += (long) v.value().dtype().bytes() * v.value().size();
        }
        return bytes;
    }

    /** The step function, the state's shapes and the outputs a step emits, shared by every segment of one run. */
    private static final class Chain {
        private final Step step;
        private final int[][] shapes;
        private final int emits;

        Chain(Step step, int[][] shapes, int emits) {
            this.step = step;
            this.shapes = shapes;
            this.emits = emits;
        }

        /**
         * Steps {@code [from, from + length)} from {@code state}, laid out by {@code layout} when
         * recording; the steps' outputs are added to {@code emitted} (null when steps emit none).
         */
        Var[] advance(Var[] state, int from, int length, Layout layout, List<Var> emitted) {
            if (!GradMode.isEnabled()) {
                // a checkpoint's forward, or an unrecorded run: nested checkpoints would be transparent anyway
                return loop(state, from, length, emitted);
            }
            for (Part p : layout.parts(from, length)) {
                if (p.taped()) {
                    state = loop(state, p.from(), p.length(), emitted);
                } else if (emits == 0) {
                    state = Checkpoint.apply(in -> advance(in, p.from(), p.length(), p.inner(), null), state);
                } else {
                    int n = shapes.length;
                    Var[] out = Checkpoint.apply(in -> {
                        List<Var> inner = new ArrayList<>(p.length() * emits);
                        Var[] end = advance(in, p.from(), p.length(), p.inner(), inner);
                        Var[] all = Arrays.copyOf(end, n + inner.size());
                        for (int i = 0; i < inner.size(); i++) {
                            all[n + i] = inner.get(i);
                        }
                        return all;
                    }, state);
                    state = Arrays.copyOf(out, n);
                    emitted.addAll(Arrays.asList(out).subList(n, out.length));
                }
            }
            return state;
        }

        private Var[] loop(Var[] state, int from, int length, List<Var> emitted) {
            for (int t = from; t < from + length; t++) {
                Var[] next = step.apply(state.clone(), t);
                check(next, t);
                if (emits > 0) {
                    emitted.addAll(Arrays.asList(next).subList(shapes.length, next.length));
                    next = Arrays.copyOf(next, shapes.length);
                }
                state = next;
            }
            return state;
        }

        private void check(Var[] next, int t) {
            int want = shapes.length + emits;
            if (next == null || next.length != want) {
                throw new IllegalStateException("step " + t + " returned " + (next == null ? "null" : next.length + " values")
                        + " for a state of " + shapes.length + " values"
                        + (emits == 0 ? "" : " and " + emits + " outputs"));
            }
            for (int i = 0; i < next.length; i++) {
                if (next[i] == null) {
                    throw new IllegalStateException("step " + t + " returned null for "
                            + (i < shapes.length ? "state value " + i : "output " + (i - shapes.length)));
                }
                if (i < shapes.length && !next[i].value().hasShape(shapes[i])) {
                    throw new IllegalStateException("step " + t + " changed state value " + i + " from shape "
                            + Shape.format(shapes[i]) + " to " + Shape.format(next[i].shape())
                            + "; a chain's state keeps its shapes (" + Arrays.deepToString(shapes) + ")");
                }
            }
        }
    }
}
