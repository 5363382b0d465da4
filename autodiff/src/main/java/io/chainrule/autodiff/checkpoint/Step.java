package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Var;

/**
 * One step of a chain: the state before step {@code t} to the state after it, written with
 * autodiff operations.
 *
 * <pre>{@code
 * // a tanh RNN with a running loss: state = {h, loss}
 * Step step = (state, t) -> {
 *     Var h = state[0].prod(w).add(x[t].prod(u)).add(b).tanh();
 *     return new Var[] {h, state[1].add(Losses.mse(h.prod(v), y[t]))};
 * };
 * }</pre>
 *
 * <p>The state is every value carried from one step to the next (for an LSTM its h and c) plus any
 * running accumulator the caller needs at the end (a summed loss). Its length and the shape of each
 * element must not change from step to step. Parameters are captured, not passed in the state: used
 * at every step, they receive the sum of the gradients of every use.
 *
 * <p>A checkpointed chain evaluates a step more than once. Each evaluation must compute the same
 * values from the same state and {@code t}: a step may read captured values and draw from
 * {@link io.chainrule.autodiff.Rng#current()} (the draws are replayed), but must not depend on other
 * mutable state, such as a counter of its own calls. The array it is given is a copy it may keep or
 * change; it returns a new one.
 */
@FunctionalInterface
public interface Step {

    /** The state after step {@code t} (0-based) given the state before it. */
    Var[] apply(Var[] state, int t);
}
