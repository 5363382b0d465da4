package io.chainrule.rnn;

import io.chainrule.autodiff.Var;

/**
 * The loss of one step, l(o_t, y_t), given the step index and the hidden output h_t (the output
 * layer is part of it). Must return a scalar.
 */
@FunctionalInterface
public interface StepLoss {
    Var at(int t, Var h);
}
