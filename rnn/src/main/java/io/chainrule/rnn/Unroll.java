package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.bptt.Carry;
import io.chainrule.rnn.bptt.Chain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Unrolling as weight-tied graph expansion: T steps of a {@link Cell} in one graph, with the same
 * parameter Vars at every step (so the engine sums each parameter's gradient over all its uses),
 * batched over B sequences.
 *
 * <p>Inputs are [T, B, D]. The cell's input-only work ({@link Cell#prepareInputs}) runs once for
 * all steps, before the loop, and its result is split per step by one multi-output node. When the
 * cell's prepared inputs are its own ({@link Cell#preparedInputsAreOwn}) and the strategy runs
 * each step once ({@link BpttStrategy#runsEachStepOnce}), each step's slice is donated to that
 * step ({@link Var#donate}): a step that accumulates into it writes its state there, as
 * hand-written BPTT does, instead of into a new buffer. Shapes
 * are checked before the loop (inputs, initial state) and after every step (a state whose shape
 * drifts is an error naming the step); an error raised inside a step names the step.
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
        Params p = Params.shared();
        Var prepared = cell.prepareInputs(inputs, p);
        Var[] xs = Ops.unstack(prepared, 0);
        if (strategy != null && strategy.runsEachStepOnce() && cell.preparedInputsAreOwn() && prepared != inputs) {
            // each slice is read by its step alone, once: the step may write over it
            for (Var x : xs) {
                x.donate();
            }
        }
        return run(cell, initial, loss, strategy, steps, (t, s) -> checkedStep(cell, xs[t], s, p, t));
    }

    /**
     * Like {@link #loss(Cell, Var, State, StepLoss, BpttStrategy)} but step t uses
     * {@code paramsAt.apply(t)} (per-step substitutes for parameters, e.g. separate copies to show
     * weight tying, or aliases that observe each step's gradient contribution). The input-only part
     * is then computed per step with that step's parameters rather than hoisted.
     */
    public static SequenceLoss loss(Cell cell, Var inputs, State initial, StepLoss loss, BpttStrategy strategy,
                                    IntFunction<Params> paramsAt) {
        int steps = checkInputs(cell, inputs, initial);
        Var[] xs = Ops.unstack(inputs, 0);
        return run(cell, initial, loss, strategy, steps, (t, s) -> {
            Params p = paramsAt.apply(t);
            int[] xShape = xs[t].shape();
            Var x1 = xs[t].reshape(1, xShape[0], xShape[1]);
            Var prepared = cell.prepareInputs(x1, p);
            int[] ps = prepared.shape();
            int[] rest = Arrays.copyOfRange(ps, 1, ps.length);
            return checkedStep(cell, prepared.reshape(rest), s, p, t);
        });
    }

    private interface StepFn {
        State apply(int t, State s);
    }

    private static SequenceLoss run(Cell cell, State initial, StepLoss loss, BpttStrategy strategy, int steps,
                                    StepFn stepFn) {
        if (loss == null) {
            throw new IllegalArgumentException("step loss must not be null");
        }
        if (strategy == null) {
            throw new IllegalArgumentException("BPTT strategy must not be null");
        }
        Chain chain = (t, c) -> {
            State s = stepFn.apply(t, c.state());
            Var l = loss.at(t, s.h());
            if (l == null || l.value().size() != 1) {
                throw new IllegalArgumentException("step loss at step " + t + " must be a scalar, got "
                        + (l == null ? "null" : "shape " + Shape.format(l.shape())));
            }
            return new Carry(s, c.lossSum().add(l.reshape()));
        };
        Carry end = strategy.unroll(chain, new Carry(initial, Var.constant(0.0)), steps);
        return new SequenceLoss(end.lossSum().mul(1.0 / steps), end.state(), steps);
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
