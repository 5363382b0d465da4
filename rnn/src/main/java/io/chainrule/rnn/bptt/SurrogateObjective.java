package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.GradMode;
import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The objective whose exact gradient a BPTT strategy computes, so that finite differences can
 * check it: for any strategy, the built-in ones and yours alike, since it depends only on what the
 * strategy declares ({@link BpttStrategy#gradientScales}).
 *
 * <p>Truncated and randomized BPTT do not compute the gradient of the sequence loss L. They
 * compute the exact gradient of a <em>surrogate</em> L̃ in which the cut edges are held constant:
 * before step t the state s entering it is replaced by
 * <pre>
 *   ξ_t · s + (1 − ξ_t) · s̄_t
 * </pre>
 * where s̄_t is that state's value at the base point (a constant) and ξ_t is the strategy's scale
 * on the gradient from step t back into step t − 1: 0 at a truncation cut and 1 elsewhere, the
 * draws of randomized truncation. At the base point L̃ = L (up to rounding where 0 &lt; ξ_t ≠ 1),
 * and ∂L̃/∂θ is exactly what backward computes under the strategy. Finite differences see only
 * values, so they must evaluate L̃: differences of L disagree with truncated gradients wherever a
 * cut matters.
 *
 * <pre>{@code
 * GradCheck.check(SurrogateObjective.loss(cell, x, h0, stepLoss, Bptt.truncated(3)), cell.parameters())
 *         .assertClose(1e-6);
 * }</pre>
 */
public final class SurrogateObjective {
    private SurrogateObjective() {
    }

    /**
     * The sequence loss as {@code strategy} differentiates it, to hand to
     * {@code GradCheck.check}: while recording, {@link Unroll#loss} under {@code strategy} (its
     * gradients are what is checked); under {@code NoGrad}, where finite differences evaluate it,
     * the surrogate L̃ at base states taken now from {@code cell}, {@code inputs} and
     * {@code initial}. The strategy's scales are drawn once, now, and used by both (so a randomized
     * strategy is checked with one fixed draw, {@link Bptt#lastDraws}); its recomputation schedule
     * is kept. The base states are computed with the thread's {@code Rng} rewound afterwards, so a
     * cell that draws random numbers (dropout) sees the same draws in them as in the checked calls.
     */
    public static Supplier<Var> loss(Cell cell, Var inputs, State initial, StepLoss loss, BpttStrategy strategy) {
        if (cell == null || inputs == null || initial == null || loss == null || strategy == null) {
            throw new IllegalArgumentException("cell, inputs, initial state, step loss and strategy must not be null");
        }
        int steps = inputs.shape()[0];
        double[] xi = gradientScales(strategy, steps);
        // the base states see the draws the checked calls will see (a cell with dropout): the
        // stream is put back where it was, and GradCheck rewinds it there before every call
        Rng.State start = Rng.current().snapshot();
        List<State> base = enteringStates(cell, inputs, initial);
        Rng.current().restore(start);
        BpttStrategy fixed = withScales(strategy, xi);
        return () -> GradMode.isEnabled()
                ? Unroll.loss(cell, inputs, initial, loss, fixed).loss()
                : Unroll.surrogateLoss(cell, inputs, initial, loss, xi, base).loss();
    }

    /**
     * ξ_t for t = 0..steps−1 as {@code strategy} declares them ({@link BpttStrategy#gradientScales}:
     * a randomized strategy draws anew), checked: one finite, non-negative value a step.
     */
    public static double[] gradientScales(BpttStrategy strategy, int steps) {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must not be null");
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("the number of steps must be positive, got " + steps);
        }
        double[] xi = strategy.gradientScales(steps);
        if (xi == null || xi.length != steps) {
            throw new IllegalArgumentException("strategy '" + strategy.name() + "' gave "
                    + (xi == null ? "no" : String.valueOf(xi.length)) + " gradient scales for " + steps + " steps");
        }
        for (int t = 0; t < steps; t++) {
            if (!Double.isFinite(xi[t]) || xi[t] < 0) {
                throw new IllegalArgumentException("strategy '" + strategy.name() + "' gave the gradient scale " + xi[t]
                        + " at step " + t + "; scales must be finite and non-negative");
            }
        }
        return xi.clone();
    }

    /**
     * The state entering each step t = 0..T−1 at the current values (the initial state, then
     * h_1..h_{T−1}), computed without recording and copied, so that later in-place changes of
     * parameters (or of the initial state) leave them alone.
     */
    public static List<State> enteringStates(Cell cell, Var inputs, State initial) {
        try (NoGrad scope = NoGrad.enter()) {
            List<State> after = Unroll.states(cell, inputs, initial);
            List<State> entering = new ArrayList<>(after.size());
            entering.add(initial);
            entering.addAll(after.subList(0, after.size() - 1));
            List<State> frozen = new ArrayList<>(entering.size());
            for (State s : entering) {
                frozen.add(s.map(v -> Var.constant(v.value().copy())));
            }
            return frozen;
        }
    }

    /** {@code strategy} with its scales fixed to {@code xi} (its name and schedule kept). */
    private static BpttStrategy withScales(BpttStrategy strategy, double[] xi) {
        return new BpttStrategy() {
            @Override
            public double[] gradientScales(int steps) {
                if (steps != xi.length) {
                    throw new IllegalArgumentException("the checked loss has " + xi.length + " steps, not " + steps);
                }
                return xi.clone();
            }

            @Override
            public Schedule recompute() {
                return strategy.recompute();
            }

            @Override
            public String name() {
                return strategy.name();
            }
        };
    }
}
