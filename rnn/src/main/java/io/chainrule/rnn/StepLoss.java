package io.chainrule.rnn;

import io.chainrule.autodiff.Var;

/**
 * The loss of one step, l(o_t, y_t), given the step index and the hidden output h_t (the output
 * layer is part of it). Must return a scalar.
 *
 * <p><b>It may run more than once for the same step.</b> Under a strategy that recomputes
 * activations ({@link io.chainrule.rnn.bptt.BpttStrategy#recompute()}, e.g.
 * {@code Bptt.checkpointed(...)}) the steps between stored states, their losses included, run
 * again during backward, and {@code GradCheck} calls the whole loss many times. So compute the
 * loss from {@code t} and {@code h} alone: no side effects (counting, collecting h_t, drawing
 * random numbers from anything but the thread's {@code Rng}). To get every h_t, ask the unroll
 * ({@link Unroll#lossWithHidden}) instead of collecting them here.
 */
@FunctionalInterface
public interface StepLoss {
    Var at(int t, Var h);
}
