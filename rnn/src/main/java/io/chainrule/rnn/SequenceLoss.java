package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * The result of unrolling a sequence for training: L = (1/T) Σ_t l_t, the final state, and, when
 * asked for ({@link Unroll#lossWithHidden}), every hidden output h_1..h_T.
 */
public final class SequenceLoss {
    private final Var loss;
    private final State finalState;
    private final int steps;
    private final Var[] hidden;
    private final boolean recomputed;

    SequenceLoss(Var loss, State finalState, int steps, Var[] hidden, boolean recomputed) {
        this.loss = loss;
        this.finalState = finalState;
        this.steps = steps;
        this.hidden = hidden;
        this.recomputed = recomputed;
    }

    /** L = (1/T) Σ_t l(o_t, y_t), a scalar. */
    public Var loss() {
        return loss;
    }

    /** The state after the last step (carry its detached value into the next chunk when streaming). */
    public State finalState() {
        return finalState;
    }

    /** T. */
    public int steps() {
        return steps;
    }

    /**
     * h_1..h_T stacked, [T, B, H], in the unroll's graph: gradients of anything computed from it
     * flow back through the steps (under the strategy's cuts). Each call stacks anew.
     *
     * @throws IllegalStateException when the unroll did not keep them ({@link Unroll#loss}; use
     *                               {@link Unroll#lossWithHidden}), or when its strategy recomputes
     *                               activations, whose steps' graphs are not kept (use
     *                               {@link #hiddenValues()} for the values)
     */
    public Var hidden() {
        requireHidden();
        if (recomputed) {
            throw new IllegalStateException("the unroll recomputes activations (a checkpointed strategy), so its"
                    + " hidden states are not kept in the graph and a loss built on them would get no gradient;"
                    + " use hiddenValues() for their values, or a strategy that stores activations");
        }
        return Ops.stack(hidden);
    }

    /** The values of h_1..h_T, [T, B, H] (a new tensor, no gradient path), under any strategy. */
    public Tensor hiddenValues() {
        requireHidden();
        Tensor[] values = new Tensor[hidden.length];
        for (int t = 0; t < hidden.length; t++) {
            values[t] = hidden[t].value();
        }
        return Tensor.stack(values);
    }

    private void requireHidden() {
        if (hidden == null) {
            throw new IllegalStateException("this unroll did not keep its hidden states; unroll with "
                    + "Unroll.lossWithHidden(...) to get every h_t");
        }
    }
}
