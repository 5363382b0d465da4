package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.CheckpointedChain;
import io.chainrule.autodiff.checkpoint.Schedule;
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
 * <p>Inputs are [T, B, D]. The cell's input-only work ({@link Cell#prepareInputs}) runs once for
 * all steps, before the loop, and its result is split per step by one multi-output op. Before step
 * t the state entering it is treated as the strategy declares ({@link BpttStrategy#gradientScales}):
 * kept, cut ({@code detach}) or its gradient scaled ({@code scaleGrad}); the steps run in one
 * loop, or as the checkpointed chain of the strategy's {@linkplain BpttStrategy#recompute schedule}.
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
            parts[i] = Var.constant(Tensor.zeros(batch, cell.hiddenSize()));
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

    /** The sequence loss L = (1/T) Σ_t loss(t, h_t) under {@code strategy}. */
    public static SequenceLoss loss(Cell cell, Var inputs, State initial, StepLoss loss, BpttStrategy strategy) {
        int steps = checkInputs(cell, inputs, initial);
        double[] xi = scales(strategy, steps);
        checkLoss(loss);
        Params p = Params.shared();
        Var prepared = cell.prepareInputs(inputs, p);
        Var[] xs = Ops.unstack(prepared, 0);
        if (strategy.recompute() == null && !prepared.value().sharesStorageWith(inputs.value())) {
            // each slice is read by its step alone, once: the step may write over it
            for (Var x : xs) {
                x.donate();
            }
        }
        return run(initial, loss, xi, strategy.recompute(), null, steps, (t, s) -> checkedStep(cell, xs[t], s, p, t),
                null);
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
        double[] xi = scales(strategy, steps);
        checkLoss(loss);
        Params p = Params.shared();
        Var prepared = cell.prepareInputs(inputs, p);
        Var[] xs = Ops.unstack(prepared, 0);
        if (strategy.recompute() == null && !prepared.value().sharesStorageWith(inputs.value())) {
            for (Var x : xs) {
                x.donate();
            }
        }
        return run(initial, loss, xi, strategy.recompute(), null, steps, (t, s) -> checkedStep(cell, xs[t], s, p, t),
                new Var[steps]);
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
        return run(initial, loss, xi, strategy.recompute(), null, steps, (t, s) -> {
            Params p = paramsAt.apply(t);
            try (Params.Guard guard = p.forbidOriginals(cell.name() + " step " + t)) {
                int[] xShape = xs[t].shape();
                Var x1 = xs[t].reshape(1, xShape[0], xShape[1]);
                Var prepared = cell.prepareInputs(x1, p);
                int[] ps = prepared.shape();
                int[] rest = Arrays.copyOfRange(ps, 1, ps.length);
                return checkedStep(cell, prepared.reshape(rest), s, p, t);
            }
        }, null);
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
        Params p = Params.shared();
        Var[] xs = Ops.unstack(cell.prepareInputs(inputs, p), 0);
        return run(initial, loss, xi, null, held, steps, (t, s) -> checkedStep(cell, xs[t], s, p, t), null);
    }

    private interface StepFn {
        State apply(int t, State s);
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
     * Runs the steps: before step t the entering state is treated per ξ_t (or mixed with the held
     * state, for the surrogate), then the cell steps and the step's loss is added. With a
     * schedule, the steps (state and running loss) form a checkpointed chain. When {@code hidden}
     * is given, h_t is put at {@code hidden[t]}: the step's own Var when every step runs once, a
     * constant copy of its value the first time step t runs under a schedule.
     */
    private static SequenceLoss run(State initial, StepLoss loss, double[] xi, Schedule schedule, List<State> held,
                                    int steps, StepFn stepFn, Var[] hidden) {
        int parts = initial.size();
        Var lossSum = Var.constant(0.0);
        State s = initial;
        if (schedule == null) {
            for (int t = 0; t < steps; t++) {
                s = stepFn.apply(t, enter(s, xi[t], held == null ? null : held.get(t)));
                if (hidden != null) {
                    hidden[t] = s.h();
                }
                lossSum = lossSum.add(stepLoss(loss, t, s));
            }
        } else {
            Var[] flat = new Var[parts + 1];
            System.arraycopy(initial.parts(), 0, flat, 0, parts);
            flat[parts] = lossSum;
            Var[] end = CheckpointedChain.run((state, t) -> {
                State next = stepFn.apply(t, enter(State.of(Arrays.copyOf(state, parts)), xi[t], null));
                if (hidden != null && hidden[t] == null) {
                    // the first run of step t; recomputations during backward are bitwise the same
                    hidden[t] = Var.constant(next.h().value().copy());
                }
                Var[] out = Arrays.copyOf(next.parts(), parts + 1);
                out[parts] = state[parts].add(stepLoss(loss, t, next));
                return out;
            }, flat, steps, schedule);
            s = State.of(Arrays.copyOf(end, parts));
            lossSum = end[parts];
        }
        return new SequenceLoss(lossSum.mul(1.0 / steps), s, steps, hidden, schedule != null);
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
        return s[0];
    }
}
