package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.checkpoint.Schedule;

/**
 * How far back gradients flow through the recurrent state, declared rather than coded: a
 * strategy says what it does to the gradient at each step, and {@link io.chainrule.rnn.Unroll}
 * does it. That declaration is also what gradient checking needs ({@link SurrogateObjective}), so
 * a strategy of your own is checked against finite differences exactly as the built-in ones are.
 *
 * <p>A strategy never changes forward values: the loss is the same under every strategy. It
 * changes only the edge from the state entering step t back into step t − 1, whose gradient is
 * multiplied by ξ_t ({@link #gradientScales}): 1 keeps the edge, 0 cuts it (nothing before it is
 * reached through the state), any other non-negative value scales it. Separately, a strategy may
 * ask for activations to be recomputed instead of stored ({@link #recompute}), which changes
 * memory and time but never a gradient bit. See {@link Bptt} for the built-in strategies.
 *
 * <pre>{@code
 * BpttStrategy everyOther = new BpttStrategy() {          // cut the state's gradient before every odd step
 *     public double[] gradientScales(int steps) {
 *         double[] xi = new double[steps];
 *         for (int t = 0; t < steps; t++) xi[t] = t % 2 == 1 ? 0 : 1;
 *         return xi;
 *     }
 *     public String name() { return "every-other"; }
 * };
 * }</pre>
 */
public interface BpttStrategy {

    /**
     * ξ_t for t = 0..steps−1: the factor by which the gradient flowing from the state entering
     * step t back into the step before is multiplied (ξ_0: into the initial state). Each must be
     * finite and non-negative. Called once per unroll, so a randomized strategy draws here.
     */
    double[] gradientScales(int steps);

    /**
     * How activations are kept: null (the default) stores every step's; a {@link Schedule} keeps
     * some states and recomputes the steps in between during backward. Gradients are bitwise the
     * same either way.
     */
    default Schedule recompute() {
        return null;
    }

    /** A short description, e.g. {@code truncated:20}. */
    String name();
}
