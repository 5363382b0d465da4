package io.chainrule.rnn;

import io.chainrule.autodiff.StateDict;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;

import java.util.List;

/**
 * A recurrent cell: its parameters and one step {@code s_t = f(x_t, s_{t-1}; θ)}, written only
 * with autodiff operations. Any cell gets unrolling, every BPTT strategy and gradient checking
 * for free.
 *
 * <p>Shapes: inputs x_t are [B, inputSize]; every state part is [B, hiddenSize].
 *
 * <p><b>Writing a cell.</b> Implement {@link #parameters}, the sizes, {@link #stateParts} and
 * {@link #step}; read every parameter through {@code params.get(p)} in {@code step}. Optionally
 * override {@link #prepareInputs} to hoist the input-only part of the step out of the time loop
 * (all T steps in one product); {@code step} then receives that prepared slice instead of x_t.
 * A minimal gated unit in under 30 lines is in the rnn tests ({@code MinimalGatedUnit}).
 */
public interface Cell {

    /** The parameters, in a fixed order, each named. */
    List<Var> parameters();

    /**
     * The parameters keyed by their names, in {@link #parameters()}'s order: what to save and load.
     * A built-in cell's keys are those of the matching one-layer PyTorch module
     * ({@code weight_ih_l0}, {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0}), so its
     * saved state loads into {@code nn.RNN}, {@code nn.GRU} or {@code nn.LSTM} as is. The default
     * keys a cell's parameters by {@link Var#name()} (each must have a distinct one).
     */
    default StateDict stateDict() {
        return StateDict.of(parameters());
    }

    /** D, the size of one input vector. */
    int inputSize();

    /** H, the size of each state part. */
    int hiddenSize();

    /** How many tensors make up the state (1 for tanh RNN and GRU, 2 for LSTM). */
    default int stateParts() {
        return 1;
    }

    /**
     * The input-only part of every step, computed for all steps at once: maps the inputs
     * [T, B, D] to what {@link #step} receives at each step (the result's slice t). The default
     * returns the inputs unchanged. The result belongs to the unroll: when it is a value the cell
     * computed (not the inputs' own storage), a step may write its result over its slice once it
     * has read it, so do not keep it.
     */
    default Var prepareInputs(Var inputs, Params params) {
        return inputs;
    }

    /**
     * The element type of the cell's parameters, which its inputs and states must share: the first
     * parameter's by default (float64 for a cell without parameters).
     */
    default DType dtype() {
        List<Var> ps = parameters();
        return ps.isEmpty() ? DType.FLOAT64 : ps.get(0).value().dtype();
    }

    /** One step: the prepared input of step t (x_t by default) and the previous state give the next state. */
    State step(Var input, State previous, Params params);

    /** A short name for reports ("lstm"). */
    default String name() {
        return getClass().getSimpleName();
    }
}
