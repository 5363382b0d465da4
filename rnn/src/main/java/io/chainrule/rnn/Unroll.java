package io.chainrule.rnn;

import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.CheckpointedChain;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.autodiff.checkpoint.Step;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.BpttStrategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Unrolling as weight-tied graph expansion: T steps of a {@link Cell} in one graph, with the same
 * parameter Vars at every step (so the engine sums each parameter's gradient over all its uses),
 * batched over B sequences, under a {@link BpttStrategy}.
 *
 * <p>Inputs are [T, B, D], held in a Var or produced a chunk at a time by a {@link SequenceSource}.
 * The steps run in chunks ({@link #defaultChunkSteps}: one chunk for sequences of up to 4096 rows
 * T·B). For each chunk the cell's input-only work ({@link Cell#prepareInputs}) runs once for the
 * chunk's steps, and its result is split per step by one multi-output op. Before step t the state
 * entering it is treated as the strategy declares ({@link BpttStrategy#gradientScales}): kept, cut
 * ({@code detach}) or its gradient scaled ({@code scaleGrad}). The chunks run in one loop, or as
 * the checkpointed chain of the strategy's {@linkplain BpttStrategy#recompute schedule}, whose
 * steps are the chunks: a recomputed segment asks the source for its inputs again and recomputes
 * its own projection, so under a recomputing strategy memory does not grow with T beyond the
 * stored states ({@link io.chainrule.rnn.bptt.Bptt#budget} chooses them for a byte budget).
 *
 * <p>When every step runs once (no recomputation) and the prepared inputs are the cell's own (not
 * the inputs' storage), each step's slice is {@linkplain Var#donate() donated} to that step: a
 * step that accumulates into it writes its state there, as hand-written BPTT does, instead of into
 * a new buffer (the engine refuses storage someone else holds). Shapes are checked before the
 * loop (inputs, initial state) and after every step (a state whose shape drifts is an error naming
 * the step); an error raised inside a step names the step.
 */
public final class Unroll {
    private Unroll() {
    }

    /** A zero initial state for a batch of {@code batch} sequences. */
    public static State zeroState(Cell cell, int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        Var[] parts = new Var[cell.stateParts()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Var.constant(Tensor.zeros(cell.dtype(), batch, cell.hiddenSize()));
        }
        return State.of(parts);
    }

    /** Every state h_1..h_T (full graph, no strategy), for inspection and inference. */
    public static List<State> states(Cell cell, Var inputs, State initial) {
        int steps = checkInputs(cell, inputs, initial);
        Params p = Params.shared();
        Var[] xs = Ops.unstack(cell.prepareInputs(inputs, p), 0);
        List<State> out = new ArrayList<>(steps);
        State s = initial;
        for (int t = 0; t < steps; t++) {
            s = checkedStep(cell, xs[t], s, p, t);
            out.add(s);
        }
        return out;
    }

    /**
     * Steps a chunk of the sequence should hold by default: {@code ceil(DEFAULT_CHUNK_ROWS / B)},
     * at most T. A sequence of at most that many steps is one chunk.
     */
    public static final int DEFAULT_CHUNK_ROWS = 4096;

    /** The default chunk length for T steps of B sequences ({@link #DEFAULT_CHUNK_ROWS}). */
    public static int defaultChunkSteps(int steps, int batch) {
        return (int) Math.max(1, Math.min(steps, (DEFAULT_CHUNK_ROWS + (long) batch - 1) / batch));
    }

    /** The sequence loss L = (1/T) Σ_t loss(t, h_t) under {@code strategy}. */
    public static SequenceLoss loss(Cell cell, Var inputs, State initial, StepLoss loss, BpttStrategy strategy) {
        int steps = checkInputs(cell, inputs, initial);
        int chunk = defaultChunkSteps(steps, inputs.shape()[1]);
        return chunked(cell, Chunks.of(inputs, chunk), initial, loss, strategy, chunk);
    }

    /**
     * {@link #loss(Cell, Var, State, StepLoss, BpttStrategy)}, keeping every hidden output
     * h_1..h_T for {@link SequenceLoss#hidden()} (as part of the graph: a loss built on them is
     * differentiated through the unroll) and {@link SequenceLoss#hiddenValues()}. Under a strategy
     * that recomputes activations the steps' graphs are not kept, so only the values are: copied
     * as each step first runs, which costs the memory of storing h_t however few states the
     * schedule keeps.
     */
    public static SequenceLoss lossWithHidden(Cell cell, Var inputs, State initial, StepLoss loss,
                                              BpttStrategy strategy) {
        int steps = checkInputs(cell, inputs, initial);
        int chunk = defaultChunkSteps(steps, inputs.shape()[1]);
        return chunked(cell, Chunks.of(inputs, chunk), initial, loss, strategy, chunk, new Var[steps]);
    }

    /**
     * The sequence loss L = (1/T) Σ_t loss(t, h_t) under {@code strategy}, with the inputs produced
     * by {@code source} a chunk at a time ({@link #defaultChunkSteps} steps): the whole sequence is
     * never held, and under a recomputing strategy a chunk's inputs and its hoisted projection are
     * not kept either, so memory does not grow with T beyond the strategy's stored states.
     */
    public static SequenceLoss loss(Cell cell, SequenceSource source, State initial, StepLoss loss, BpttStrategy strategy) {
        return loss(cell, source, initial, loss, strategy, 0);
    }

    /**
     * Like {@link #loss(Cell, SequenceSource, State, StepLoss, BpttStrategy)} with chunks of
     * {@code chunkSteps} steps (0: the default). Gradients are bitwise the same under every strategy
     * for one chunk length; a different chunk length sums the input projection's weight gradient in
     * another order (differences in the last bits).
     */
    public static SequenceLoss loss(Cell cell, SequenceSource source, State initial, StepLoss loss, BpttStrategy strategy,
                                    int chunkSteps) {
        int steps = checkSource(cell, source, initial);
        if (chunkSteps < 0) {
            throw new IllegalArgumentException("chunk length must be positive (or 0 for the default), got " + chunkSteps);
        }
        int chunk = chunkSteps == 0 ? defaultChunkSteps(steps, source.batch()) : Math.min(chunkSteps, steps);
        return chunked(cell, Chunks.of(source), initial, loss, strategy, chunk);
    }

    /**
     * The loss over chunks of {@code chunk} steps. A chunk is one step of the chain the strategy
     * runs: its inputs, their hoisted projection ({@link Cell#prepareInputs}) and its cell steps, so
     * a checkpointed segment recomputes its chunks' projections like any other step.
     */
    private static SequenceLoss chunked(Cell cell, Chunks chunks, State initial, StepLoss loss, BpttStrategy strategy,
                                        int chunk) {
        return chunked(cell, chunks, initial, loss, strategy, chunk, null);
    }

    private static SequenceLoss chunked(Cell cell, Chunks chunks, State initial, StepLoss loss, BpttStrategy strategy,
                                        int chunk, Var[] hidden) {
        int steps = chunks.steps();
        double[] xi = scales(strategy, steps);
        checkLoss(loss);
        Schedule schedule = strategy.recompute();
        int blocks = (steps + chunk - 1) / chunk;
        ChunkFn fn = new ChunkFn(cell, chunks, loss, xi, null, chunk, schedule);
        fn.hidden = hidden;
        Schedule outer = null;
        if (schedule != null && schedule.needsMeasurement()) {
            outer = fn.measure(schedule, initial, blocks);
        } else if (schedule != null && blocks > 1) {
            outer = Schedule.everyK(1);
        }
        return run(initial, steps, chunk, outer, fn, hidden, schedule != null);
    }

    /**
     * Every hidden output of one layer over the sequence, [T, B, H], and its final state, under
     * {@code strategy}: the layer-major building block of deep and bidirectional networks, whose
     * next layer reads all T outputs at once. Step t's output is a value of its own made right
     * after the step ({@code Ops.identity(h_t)}), so that with a {@linkplain BpttStrategy#recompute
     * schedule} the checkpoints return their steps' outputs and gradients stay bitwise those of the
     * strategy without it ({@link CheckpointedChain#runEmitting}). Prepared inputs are donated as in
     * {@link #loss(Cell, Var, State, StepLoss, BpttStrategy)}.
     */
    public static SequenceOutputs outputs(Cell cell, Var inputs, State initial, BpttStrategy strategy) {
        return outputs(cell, inputs, initial, strategy, false);
    }

    /**
     * {@link #outputs(Cell, Var, State, BpttStrategy)} reading the sequence from its end, as the
     * reverse direction of a bidirectional layer: step 0 reads input T−1 and the strategy's ξ_t
     * apply in that order of reading; output slice t is the state after reading inputs T−1 down to
     * t (PyTorch's layout of the reverse direction), the final state the one after reading input 0.
     */
    public static SequenceOutputs reverseOutputs(Cell cell, Var inputs, State initial, BpttStrategy strategy) {
        return outputs(cell, inputs, initial, strategy, true);
    }

    private static SequenceOutputs outputs(Cell cell, Var inputs, State initial, BpttStrategy strategy, boolean reverse) {
        int steps = checkInputs(cell, inputs, initial);
        double[] xi = scales(strategy, steps);
        Params p = Params.shared();
        Var prepared = cell.prepareInputs(inputs, p);
        Var[] xs = Ops.unstack(prepared, 0);
        if (strategy.recompute() == null && !prepared.value().sharesStorageWith(inputs.value())) {
            for (Var x : xs) {
                x.donate();
            }
        }
        int parts = initial.size();
        Step step = (state, t) -> {
            int at = reverse ? steps - 1 - t : t;
            State next = checkedStep(cell, xs[at], enter(State.of(state), xi[t], null), p, at);
            Var[] out = Arrays.copyOf(next.parts(), parts + 1);
            out[parts] = Ops.identity(next.h());
            return out;
        };
        Schedule schedule = strategy.recompute() != null ? strategy.recompute() : Schedule.storeAll();
        Var[] all = CheckpointedChain.runEmitting(step, initial.parts(), steps, schedule, 1);
        Var[] hs = new Var[steps];
        for (int t = 0; t < steps; t++) {
            hs[reverse ? steps - 1 - t : t] = all[parts + t];
        }
        return new SequenceOutputs(Ops.stack(hs), State.of(Arrays.copyOf(all, parts)));
    }

    /**
     * Like {@link #loss(Cell, Var, State, StepLoss, BpttStrategy)} but step t uses
     * {@code paramsAt.apply(t)} (per-step substitutes for parameters, e.g. separate copies to show
     * weight tying, or aliases that observe each step's gradient contribution). The input-only part
     * is then computed per step with that step's parameters rather than hoisted. While step t runs,
     * the parameters it is given substitutes for cannot be read: a cell that reads one directly,
     * not through {@link Params#get}, gets an error naming it (its use would escape the substitutes).
     */
    public static SequenceLoss loss(Cell cell, Var inputs, State initial, StepLoss loss, BpttStrategy strategy,
                                    IntFunction<Params> paramsAt) {
        int steps = checkInputs(cell, inputs, initial);
        double[] xi = scales(strategy, steps);
        checkLoss(loss);
        Var[] xs = Ops.unstack(inputs, 0);
        StepFn step = (t, s) -> {
            Params p = paramsAt.apply(t);
            try (Params.Guard guard = p.forbidOriginals(cell.name() + " step " + t)) {
                int[] xShape = xs[t].shape();
                Var x1 = xs[t].reshape(1, xShape[0], xShape[1]);
                Var prepared = cell.prepareInputs(x1, p);
                int[] ps = prepared.shape();
                int[] rest = Arrays.copyOfRange(ps, 1, ps.length);
                return checkedStep(cell, prepared.reshape(rest), s, p, t);
            }
        };
        return run(initial, steps, 1, strategy.recompute(), (from, to, s, lossSum) -> {
            State next = step.apply(from, enter(s, xi[from], null));
            return new Carry(next, lossSum.add(stepLoss(loss, from, next)));
        });
    }

    /**
     * The surrogate objective L̃ of a strategy whose scales are {@code xi}, at base states
     * {@code held} (see {@link io.chainrule.rnn.bptt.SurrogateObjective}, which is how to use it):
     * before step t the state s is replaced by ξ_t · s + (1 − ξ_t) · s̄_t with s̄_t =
     * {@code held.get(t)} (s itself where ξ_t = 1, the constant s̄_t where ξ_t = 0). Its value is
     * what finite differences must evaluate to check the gradient the strategy computes.
     */
    public static SequenceLoss surrogateLoss(Cell cell, Var inputs, State initial, StepLoss loss, double[] xi,
                                             List<State> held) {
        int steps = checkInputs(cell, inputs, initial);
        checkLoss(loss);
        if (xi == null || held == null || xi.length < steps || held.size() < steps) {
            throw new IllegalArgumentException("the surrogate needs " + steps + " scales and base states, got "
                    + (xi == null ? "no" : xi.length) + " and " + (held == null ? "no" : held.size()));
        }
        int chunk = defaultChunkSteps(steps, inputs.shape()[1]);
        return run(initial, steps, chunk, null, new ChunkFn(cell, Chunks.of(inputs, chunk), loss, xi, held, chunk, null));
    }

    private interface StepFn {
        State apply(int t, State s);
    }

    /** The state and the running sum of step losses between chunks. */
    private record Carry(State state, Var lossSum) {
    }

    /** Steps {@code from} (inclusive) to {@code to} (exclusive) from a carry. */
    private interface Advance {
        Carry apply(int from, int to, State s, Var lossSum);
    }

    /** The strategy's ξ_t, checked: one finite non-negative value a step. */
    private static double[] scales(BpttStrategy strategy, int steps) {
        if (strategy == null) {
            throw new IllegalArgumentException("BPTT strategy must not be null");
        }
        double[] xi = strategy.gradientScales(steps);
        if (xi == null || xi.length != steps) {
            throw new IllegalStateException("BPTT strategy '" + strategy.name() + "' gave "
                    + (xi == null ? "no" : String.valueOf(xi.length)) + " gradient scales for " + steps + " steps");
        }
        for (int t = 0; t < steps; t++) {
            if (!Double.isFinite(xi[t]) || xi[t] < 0) {
                throw new IllegalStateException("BPTT strategy '" + strategy.name() + "' gave the gradient scale "
                        + xi[t] + " at step " + t + "; scales must be finite and non-negative");
            }
        }
        return xi;
    }

    private static void checkLoss(StepLoss loss) {
        if (loss == null) {
            throw new IllegalArgumentException("step loss must not be null");
        }
    }

    /**
     * Runs the steps in blocks of {@code block} steps: a loop over the blocks, or, with a
     * schedule, the checkpointed chain whose steps are the blocks (its state: the state's parts and
     * the running loss).
     */
    private static SequenceLoss run(State initial, int steps, int block, Schedule schedule, Advance advance) {
        return run(initial, steps, block, schedule, advance, null, false);
    }

    /** {@link #run(State, int, int, Schedule, Advance)} keeping h_t in {@code hidden} (see {@link #lossWithHidden}). */
    private static SequenceLoss run(State initial, int steps, int block, Schedule schedule, Advance advance, Var[] hidden,
                                    boolean recomputed) {
        int blocks = (steps + block - 1) / block;
        // the running loss in the state's dtype: a float32 model sums its losses in float32
        Carry c = new Carry(initial, Var.constant(Tensor.scalar(initial.get(0).value().dtype(), 0.0)));
        if (schedule == null) {
            for (int b = 0; b < blocks; b++) {
                c = advance.apply(b * block, Math.min(steps, (b + 1) * block), c.state(), c.lossSum());
            }
        } else {
            int parts = initial.size();
            Var[] flat = Arrays.copyOf(initial.parts(), parts + 1);
            flat[parts] = c.lossSum();
            Var[] end = CheckpointedChain.run((state, b) -> {
                Carry next = advance.apply(b * block, Math.min(steps, (b + 1) * block),
                        State.of(Arrays.copyOf(state, parts)), state[parts]);
                Var[] out = Arrays.copyOf(next.state().parts(), parts + 1);
                out[parts] = next.lossSum();
                return out;
            }, flat, blocks, schedule);
            c = new Carry(State.of(Arrays.copyOf(end, parts)), end[parts]);
        }
        return new SequenceLoss(c.lossSum().mul(1.0 / steps), c.state(), steps, hidden, schedule != null || recomputed);
    }

    /** Where a chunk's inputs come from: parts of an input Var, or a source asked on demand. */
    private interface Chunks {
        int steps();

        Var chunk(int from, int to);

        /** The parts of {@code inputs} (split once along time, views, no copy), or {@code inputs} itself as one chunk. */
        static Chunks of(Var inputs, int chunk) {
            int steps = inputs.shape()[0];
            int blocks = (steps + chunk - 1) / chunk;
            Var[] parts;
            if (blocks == 1) {
                parts = new Var[] {inputs};
            } else {
                int[] sizes = new int[blocks];
                for (int b = 0; b < blocks; b++) {
                    sizes[b] = Math.min(steps, (b + 1) * chunk) - b * chunk;
                }
                parts = Ops.split(inputs, 0, sizes);
            }
            return new Chunks() {
                @Override
                public int steps() {
                    return steps;
                }

                @Override
                public Var chunk(int from, int to) {
                    return parts[from / chunk];
                }
            };
        }

        /** The source's steps, asked for when a chunk runs (again when it is recomputed). */
        static Chunks of(SequenceSource source) {
            return new Chunks() {
                @Override
                public int steps() {
                    return source.steps();
                }

                @Override
                public Var chunk(int from, int to) {
                    Tensor x = source.inputs(from, to);
                    if (x == null || !x.hasShape(to - from, source.batch(), source.inputSize())) {
                        throw new IllegalStateException("the sequence source gave steps [" + from + ", " + to + ") of shape "
                                + (x == null ? "null" : Shape.format(x.shape())) + "; expected [" + (to - from) + ", "
                                + source.batch() + ", " + source.inputSize() + "]");
                    }
                    return Var.constant(x);
                }
            };
        }
    }

    /**
     * One chunk of steps: its inputs, their hoisted projection split per step, then the cell's steps
     * with the strategy's treatment of the entering state (or the surrogate's mix with
     * {@code held}) and the step losses; the steps run in a loop, or as a checkpointed chain under
     * the {@code inner} schedule.
     *
     * <p>NOTE [ Chunks and checkpoints ]: with a recomputing strategy the chunks are the steps of an
     * outer checkpointed chain (each chunk's starting state stored, the chunk recomputed once when
     * backward reaches it) and the strategy's schedule runs within each chunk. So the projection of
     * a chunk is computed, and differentiated, as one op under every strategy: its weight gradient
     * is summed in the same order, and checkpointed gradients stay bitwise those of full BPTT. A
     * sequence of one chunk is exactly the strategy's chain over its steps. Each slice is donated to
     * its step (which may then write its state over it) only when nothing is recomputed and the
     * projection is the cell's own storage, not the inputs'.
     */
    private static final class ChunkFn implements Advance {
        private final Cell cell;
        private final Chunks chunks;
        private final StepLoss loss;
        private final double[] xi;
        private final List<State> held;
        private final int chunk;
        private Schedule inner;
        /** Where to keep h_t ({@link #lossWithHidden}), or null. */
        private Var[] hidden;

        ChunkFn(Cell cell, Chunks chunks, StepLoss loss, double[] xi, List<State> held, int chunk, Schedule inner) {
            this.cell = cell;
            this.chunks = chunks;
            this.loss = loss;
            this.xi = xi;
            this.held = held;
            this.chunk = chunk;
            this.inner = inner;
        }

        @Override
        public Carry apply(int from, int to, State s, Var lossSum) {
            Params p = Params.shared();
            Var x = chunks.chunk(from, to);
            Var prepared = cell.prepareInputs(x, p);
            int[] ps = prepared.shape();
            if (ps.length < 1 || ps[0] != to - from) {
                throw new IllegalStateException(cell.name() + ".prepareInputs turned inputs of shape " + Shape.format(x.shape())
                        + " into shape " + Shape.format(ps) + "; the first axis (time) must stay " + (to - from));
            }
            Var[] xs = Ops.unstack(prepared, 0);
            if (inner == null && !prepared.value().sharesStorageWith(x.value())) {
                // each slice is read by its step alone, once: the step may write over it
                for (Var v : xs) {
                    v.donate();
                }
            }
            if (inner == null) {
                State state = s;
                Var sum = lossSum;
                for (int t = from; t < to; t++) {
                    state = checkedStep(cell, xs[t - from], enter(state, xi[t], held == null ? null : held.get(t)), p, t);
                    if (hidden != null) {
                        hidden[t] = state.h();
                    }
                    sum = sum.add(stepLoss(loss, t, state));
                }
                return new Carry(state, sum);
            }
            int parts = s.size();
            Var[] flat = Arrays.copyOf(s.parts(), parts + 1);
            flat[parts] = lossSum;
            Var[] end = CheckpointedChain.run((state, local) -> {
                int t = from + local;
                State next = checkedStep(cell, xs[local], enter(State.of(Arrays.copyOf(state, parts)), xi[t], null), p, t);
                if (hidden != null && hidden[t] == null) {
                    // the first run of step t; recomputations during backward are bitwise the same
                    hidden[t] = Var.constant(next.h().value().copy());
                }
                Var[] out = Arrays.copyOf(next.parts(), parts + 1);
                out[parts] = state[parts].add(stepLoss(loss, t, next));
                return out;
            }, flat, to - from, inner);
            return new Carry(State.of(Arrays.copyOf(end, parts)), end[parts]);
        }

        /**
         * Resolves a measured budget ({@link Schedule#budget(long)}) into the schedule within a chunk
         * (kept here) and the one over the chunks (returned; null for one chunk). Records one step on
         * the side, from the initial state detached (its graph is its own and freed at once), to
         * measure the bytes a step saves; a state is what a checkpoint keeps of the state and the
         * running loss. The inputs and projection of the chunk being run, and the states stored at
         * the chunks' starts, are counted besides.
         */
        Schedule measure(Schedule budget, State initial, int blocks) {
            Rng rng = Rng.current();
            Rng.State at = rng.snapshot();
            Schedule keep = inner;
            inner = null;
            long before = Memory.savedBytes();
            Carry probe;
            long perStepTransient;
            try (NoGrad scope = NoGrad.enableGrad()) {
                Var x = chunks.chunk(0, 1);
                perStepTransient = 8L * (x.value().size() + cell.prepareInputs(x, Params.shared()).value().size());
                probe = apply(0, 1, initial.detach(), Var.constant(Tensor.scalar(initial.get(0).value().dtype(), 0.0)));
            } finally {
                rng.restore(at);
                inner = keep;
            }
            long stepBytes = Math.max(1, Memory.savedBytes() - before);
            probe.lossSum().releaseGraph();
            for (Var v : probe.state().parts()) {
                v.releaseGraph();
            }
            Var[] flat = Arrays.copyOf(initial.parts(), initial.size() + 1);
            flat[initial.size()] = Var.constant(Tensor.scalar(initial.get(0).value().dtype(), 0.0));
            long stateBytes = CheckpointedChain.stateBytes(flat);
            long transientBytes = chunk * perStepTransient;
            long boundaries = (blocks - 1) * stateBytes;
            try {
                inner = budget.measured(stateBytes, stepBytes, transientBytes + boundaries);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (" + blocks + " chunks of " + chunk
                        + " steps: a stored state at the start of each, " + Schedule.class.getSimpleName()
                        + " within a chunk)", e);
            }
            return blocks > 1 ? Schedule.everyK(1) : null;
        }
    }

    /** The state entering a step, as ξ says: kept, cut, or its gradient scaled; mixed with {@code held} for a surrogate. */
    private static State enter(State s, double xi, State held) {
        if (xi == 1.0) {
            return s;
        }
        if (held != null) {
            if (xi == 0.0) {
                return held;
            }
            Var[] mixed = s.parts();
            for (int i = 0; i < mixed.length; i++) {
                mixed[i] = mixed[i].mul(xi).add(held.get(i).mul(1 - xi));
            }
            return State.of(mixed);
        }
        return xi == 0.0 ? s.detach() : s.map(v -> Ops.scaleGrad(v, xi));
    }

    private static Var stepLoss(StepLoss loss, int t, State s) {
        Var l = loss.at(t, s.h());
        if (l == null || l.value().size() != 1) {
            throw new IllegalArgumentException("step loss at step " + t + " must be a scalar, got "
                    + (l == null ? "null" : "shape " + Shape.format(l.shape())));
        }
        return l.reshape();
    }

    private static State checkedStep(Cell cell, Var x, State s, Params p, int t) {
        State next;
        try {
            next = cell.step(x, s, p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(cell.name() + " step " + t + ": " + e.getMessage(), e);
        }
        if (next == null) {
            throw new IllegalStateException(cell.name() + " step " + t + " returned no state");
        }
        if (next.size() != s.size()) {
            throw new IllegalStateException(cell.name() + " step " + t + " returned a state of " + next.size()
                    + " parts, but the previous state had " + s.size());
        }
        for (int i = 0; i < next.size(); i++) {
            if (!next.get(i).value().sameShape(s.get(i).value())) {
                throw new IllegalStateException(cell.name() + " step " + t + ": state part " + i + " changed shape from "
                        + Shape.format(s.get(i).shape()) + " to " + Shape.format(next.get(i).shape()));
            }
        }
        return next;
    }

    private static int checkSource(Cell cell, SequenceSource source, State initial) {
        if (cell == null || source == null || initial == null) {
            throw new IllegalArgumentException("cell, sequence source and initial state must not be null");
        }
        int[] s = {source.steps(), source.batch(), source.inputSize()};
        if (s[0] <= 0 || s[1] <= 0) {
            throw new IllegalArgumentException("the sequence source has " + s[0] + " steps of " + s[1]
                    + " sequences; both must be positive");
        }
        checkSizes(cell, s, initial);
        return s[0];
    }

    private static int checkInputs(Cell cell, Var inputs, State initial) {
        if (cell == null || inputs == null || initial == null) {
            throw new IllegalArgumentException("cell, inputs and initial state must not be null");
        }
        int[] s = inputs.shape();
        if (s.length != 3) {
            throw new IllegalArgumentException("inputs must have shape [T, B, D], got " + Shape.format(s));
        }
        if (s[0] == 0) {
            throw new IllegalArgumentException("the sequence has no steps (T = 0, inputs shape " + Shape.format(s) + ")");
        }
        checkSizes(cell, s, initial);
        if (inputs.value().dtype() != cell.dtype()) {
            throw new IllegalArgumentException(cell.name() + " is " + cell.dtype() + " but the inputs of shape "
                    + Shape.format(s) + " are " + inputs.value().dtype() + "; cast them (Tensor.cast)");
        }
        return s[0];
    }

    /** The inputs' D against the cell's, and the initial state's parts against [B, H]. */
    private static void checkSizes(Cell cell, int[] s, State initial) {
        if (s[2] != cell.inputSize()) {
            throw new IllegalArgumentException(cell.name() + " expects inputs of size D = " + cell.inputSize()
                    + " but the inputs have shape " + Shape.format(s) + " [T, B, D]");
        }
        if (initial.size() != cell.stateParts()) {
            throw new IllegalArgumentException(cell.name() + " has a state of " + cell.stateParts()
                    + " parts but the initial state has " + initial.size());
        }
        int[] want = {s[1], cell.hiddenSize()};
        for (int i = 0; i < initial.size(); i++) {
            if (!initial.get(i).value().hasShape(want)) {
                throw new IllegalArgumentException(cell.name() + ": initial state part " + i + " has shape "
                        + Shape.format(initial.get(i).shape()) + " but inputs of shape " + Shape.format(s)
                        + " need " + Shape.format(want) + " [B, H]");
            }
        }
    }
}
