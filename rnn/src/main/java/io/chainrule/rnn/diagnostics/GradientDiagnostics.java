package io.chainrule.rnn.diagnostics;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.SequenceLoss;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks inside one BPTT pass: ‖∂L/∂h_t‖ for every step, each step's contribution to the gradient
 * of every parameter, and where values or gradients first stop being finite.
 *
 * <p>How: step t reads each parameter through a per-step alias (identity forward, gradient passed
 * through unchanged), whose gradient is exactly step t's contribution; the engine still sums the
 * aliases into the parameter, so the parameter's gradient is the same as in a normal unroll (up
 * to rounding, since the input-only work is computed per step rather than hoisted). A hook on each
 * h_t records ∂L/∂h_t. Costs memory for T copies of every parameter gradient.
 */
public final class GradientDiagnostics {
    private final double loss;
    private final double[] hiddenGradNorms;
    private final Map<Var, Tensor[]> contributions;
    private final int firstNonFiniteState;
    private final int firstNonFiniteGradient;

    private GradientDiagnostics(double loss, double[] hiddenGradNorms, Map<Var, Tensor[]> contributions,
                                int firstNonFiniteState, int firstNonFiniteGradient) {
        this.loss = loss;
        this.hiddenGradNorms = hiddenGradNorms;
        this.contributions = contributions;
        this.firstNonFiniteState = firstNonFiniteState;
        this.firstNonFiniteGradient = firstNonFiniteGradient;
    }

    /**
     * Unrolls {@code cell} over {@code inputs} under {@code strategy}, differentiates the sequence
     * loss, and records the diagnostics. Parameters' gradients accumulate as in a normal backward.
     */
    public static GradientDiagnostics run(Cell cell, Var inputs, State initial, StepLoss loss, BpttStrategy strategy) {
        int steps = inputs.shape()[0];
        double[] norms = new double[steps];
        java.util.Arrays.fill(norms, 0.0);
        boolean[] stateFinite = new boolean[steps];
        Map<Var, Tensor[]> contributions = new IdentityHashMap<>();
        for (Var p : cell.parameters()) {
            contributions.put(p, new Tensor[steps]);
        }
        List<Params> perStep = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            Map<Var, Var> aliases = new IdentityHashMap<>();
            int step = t;
            for (Var p : cell.parameters()) {
                Var alias = Ops.identity(p);
                if (alias.requiresGrad()) {
                    alias.onGradient(g -> {
                        Tensor[] slot = contributions.get(p);
                        slot[step] = slot[step] == null ? g.copy() : slot[step].add(g);
                    });
                }
                aliases.put(p, alias);
            }
            perStep.add(Params.substituting(aliases));
        }
        StepLoss observed = (t, h) -> {
            stateFinite[t] = h.value().allFinite();
            if (h.requiresGrad()) {
                h.onGradient(g -> norms[t] = g.norm());
            }
            return loss.at(t, h);
        };
        SequenceLoss r = Unroll.loss(cell, inputs, initial, observed, strategy, perStep::get);
        r.loss().backward();
        int badState = -1;
        for (int t = 0; t < steps; t++) {
            if (!stateFinite[t]) {
                badState = t;
                break;
            }
        }
        int badGrad = -1;
        for (int t = steps - 1; t >= 0; t--) {
            if (!Double.isFinite(norms[t])) {
                badGrad = t;
                break;
            }
        }
        return new GradientDiagnostics(r.loss().value().item(), norms, contributions, badState, badGrad);
    }

    /** The sequence loss L. */
    public double loss() {
        return loss;
    }

    /** ‖∂L/∂h_t‖ (Frobenius over the batch) for t = 0..T-1, h_t being the state after step t. */
    public double[] hiddenGradNorms() {
        return hiddenGradNorms.clone();
    }

    /** Step t's contribution to ∂L/∂parameter (null if none reached it at that step). */
    public Tensor contribution(Var parameter, int t) {
        Tensor[] c = contributions.get(parameter);
        if (c == null) {
            throw new IllegalArgumentException("not a parameter of the diagnosed cell: " + parameter.name());
        }
        return c[t];
    }

    /** ‖step t's contribution to ∂L/∂parameter‖ for every t (0 where none). */
    public double[] contributionNorms(Var parameter) {
        Tensor[] c = contributions.get(parameter);
        if (c == null) {
            throw new IllegalArgumentException("not a parameter of the diagnosed cell: " + parameter.name());
        }
        double[] out = new double[c.length];
        for (int t = 0; t < c.length; t++) {
            out[t] = c[t] == null ? 0.0 : c[t].norm();
        }
        return out;
    }

    /** The first step whose state has a NaN or infinite entry in forward, or -1. */
    public int firstNonFiniteState() {
        return firstNonFiniteState;
    }

    /**
     * The step where ∂L/∂h_t first became non-finite during backward (the latest such t, since
     * backward runs from the end), or -1.
     */
    public int firstNonFiniteGradient() {
        return firstNonFiniteGradient;
    }
}
