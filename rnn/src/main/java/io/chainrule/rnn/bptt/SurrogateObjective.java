package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.GradMode;
import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Var;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The objective whose exact gradient a BPTT strategy computes, so that finite differences can
 * check it.
 *
 * <p>Truncated and randomized BPTT do not compute the gradient of the sequence loss L. They
 * compute the exact gradient of a <em>surrogate</em> L̃ in which the cut edges are held constant:
 * before step t the state s entering it is replaced by
 * <pre>
 *   ξ_t · s + (1 − ξ_t) · s̄_t
 * </pre>
 * where s̄_t is that state's value at the base point (a constant) and ξ_t is the strategy's scale
 * on the gradient from step t back into step t − 1 ({@link #gradientScales}): 0 at a truncation
 * cut and 1 elsewhere, the draws of randomized truncation. At the base point L̃ = L (up to
 * rounding where 0 &lt; ξ_t ≠ 1), and ∂L̃/∂θ is exactly what backward computes under the strategy.
 * Finite differences see only values, so they must evaluate L̃: differences of L disagree with
 * truncated gradients wherever a cut matters.
 *
 * <pre>{@code
 * BpttStrategy checked = SurrogateObjective.forGradCheck(Bptt.truncated(3), cell, x, h0);
 * GradCheck.check(() -> Unroll.loss(cell, x, h0, stepLoss, checked).loss(), parameters).assertClose(1e-6);
 * }</pre>
 */
public final class SurrogateObjective {
    private SurrogateObjective() {
    }

    /**
     * ξ_t for t = 0..steps−1: the factor by which {@code strategy} scales the gradient flowing
     * from the state entering step t back into the step before (ξ_0: into the initial state).
     * Full and checkpointed BPTT: all 1. Truncated every τ: 0 at t = τ, 2τ, ..., 1 elsewhere. Randomized truncation
     * with fixed draws ({@link Bptt#randomizedWithDraws}): the draws. A seeded randomized
     * truncation draws anew at every unroll and has no fixed scales: check it with its draws
     * ({@link Bptt#lastDraws}) fixed.
     */
    public static double[] gradientScales(BpttStrategy strategy, int steps) {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must not be null");
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("the number of steps must be positive, got " + steps);
        }
        double[] xi = new double[steps];
        Arrays.fill(xi, 1.0);
        if (strategy instanceof FullBptt || strategy instanceof CheckpointedBptt) {
            return xi;   // checkpointing recomputes instead of storing; the gradient is full BPTT's
        }
        if (strategy instanceof TruncatedBptt truncated) {
            for (int t = truncated.tau(); t < steps; t += truncated.tau()) {
                xi[t] = 0.0;
            }
            return xi;
        }
        if (strategy instanceof RandomizedTruncation randomized) {
            double[] draws = randomized.fixedDraws();
            if (draws == null) {
                throw new IllegalArgumentException(strategy.name() + " draws new scales at every unroll; check it with "
                        + "fixed draws (Bptt.randomizedWithDraws, e.g. with Bptt.lastDraws of an unroll)");
            }
            if (draws.length < steps) {
                throw new IllegalArgumentException("randomized truncation has " + draws.length
                        + " fixed draws but the sequence has " + steps + " steps");
            }
            return Arrays.copyOf(draws, steps);
        }
        throw new IllegalArgumentException("no surrogate objective is known for the BPTT strategy '" + strategy.name()
                + "' (known: full, truncated, randomized with fixed draws, checkpointed)");
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

    /**
     * A strategy that evaluates the surrogate: before step t it replaces the state s by
     * ξ_t · s + (1 − ξ_t) · s̄_t with s̄_t = {@code base.get(t)} (s itself where ξ_t = 1, the
     * constant s̄_t where ξ_t = 0). Its values are the surrogate's; differentiate it only to get
     * the surrogate's gradient the slow way.
     */
    public static BpttStrategy holding(double[] xi, List<State> base) {
        if (xi == null || base == null) {
            throw new IllegalArgumentException("need the scales xi and the base states");
        }
        return new Holding(xi.clone(), List.copyOf(base));
    }

    /**
     * {@code strategy} while recording (so backward computes its gradients) and its surrogate
     * objective at the current point under {@link NoGrad} (so finite differences evaluate what
     * those gradients are the gradients of): pass it to the loss that
     * {@code GradCheck.check} differentiates. The base states are taken now, from
     * {@code cell}, {@code inputs} and {@code initial} as the loss will unroll them.
     */
    public static BpttStrategy forGradCheck(BpttStrategy strategy, Cell cell, Var inputs, State initial) {
        int steps = inputs.shape()[0];
        BpttStrategy surrogate = holding(gradientScales(strategy, steps), enteringStates(cell, inputs, initial));
        return new BpttStrategy() {
            @Override
            public Carry unroll(Chain chain, Carry start, int n) {
                return GradMode.isEnabled() ? strategy.unroll(chain, start, n) : surrogate.unroll(chain, start, n);
            }

            @Override
            public String name() {
                return strategy.name();
            }
        };
    }

    private static final class Holding implements BpttStrategy {
        private final double[] xi;
        private final List<State> base;

        Holding(double[] xi, List<State> base) {
            this.xi = xi;
            this.base = base;
        }

        @Override
        public Carry unroll(Chain chain, Carry start, int steps) {
            if (xi.length < steps || base.size() < steps) {
                throw new IllegalArgumentException("the surrogate has " + Math.min(xi.length, base.size())
                        + " steps of scales and base states but the sequence has " + steps);
            }
            Carry c = start;
            for (int t = 0; t < steps; t++) {
                c = c.withState(mix(xi[t], c.state(), base.get(t)));
                c = chain.step(t, c);
            }
            return c;
        }

        private static State mix(double x, State s, State held) {
            if (x == 1.0) {
                return s;
            }
            if (x == 0.0) {
                return held;
            }
            Var[] parts = s.parts();
            for (int i = 0; i < parts.length; i++) {
                parts[i] = parts[i].mul(x).add(held.get(i).mul(1 - x));
            }
            return State.of(parts);
        }

        @Override
        public String name() {
            return "surrogate";
        }
    }
}
