package io.chainrule.rnn.cell;

import io.chainrule.autodiff.StateDict;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Params;
import org.apache.commons.math3.random.RandomGenerator;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The four parameters of a PyTorch-layout recurrent layer with G gate blocks (1 for {@code nn.RNN},
 * 3 for {@code nn.GRU}, 4 for {@code nn.LSTM}): {@code weight_ih_l0} [G·H, D], {@code weight_hh_l0}
 * [G·H, H], {@code bias_ih_l0} and {@code bias_hh_l0} [G·H], each initialized uniform in
 * [-1/sqrt(H), 1/sqrt(H)) as PyTorch does, or given. In a deep or bidirectional network the suffix
 * names the {@link LayerPosition} ({@code weight_ih_l1_reverse}).
 */
final class GateWeights {
    final int inputSize;
    final int hiddenSize;
    final Var wIh;
    final Var wHh;
    final Var bIh;
    final Var bHh;

    GateWeights(String cell, int gates, int inputSize, int hiddenSize, LayerPosition at, RandomGenerator rng,
                DType dtype) {
        Init.checkSizes(cell, inputSize, hiddenSize);
        if (at == null) {
            throw new IllegalArgumentException(cell + ": the layer position must not be null");
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        int rows = gates * hiddenSize;
        this.wIh = Init.uniform(rng, hiddenSize, at.name("weight_ih"), dtype, rows, inputSize);
        this.wHh = Init.uniform(rng, hiddenSize, at.name("weight_hh"), dtype, rows, hiddenSize);
        this.bIh = Init.uniform(rng, hiddenSize, at.name("bias_ih"), dtype, rows);
        this.bHh = Init.uniform(rng, hiddenSize, at.name("bias_hh"), dtype, rows);
    }

    /**
     * Given weights (they become the parameters' values, not copies): D and H are read from
     * {@code weight_ih_l0} [G·H, D]; every shape is checked and every value must be finite.
     */
    GateWeights(String cell, int gates, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        if (wIh == null || wIh.rank() != 2 || wIh.dim(0) % gates != 0 || wIh.dim(0) == 0 || wIh.dim(1) == 0) {
            throw new IllegalArgumentException(cell + ": weight_ih_l0 must be a [" + gates + "·H, D] matrix with H, D > 0, got "
                    + (wIh == null ? "null" : Shape.format(wIh.shape())));
        }
        this.hiddenSize = wIh.dim(0) / gates;
        this.inputSize = wIh.dim(1);
        int rows = gates * hiddenSize;
        this.wIh = given(cell, "weight_ih_l0", wIh, rows, inputSize);
        this.wHh = given(cell, "weight_hh_l0", wHh, rows, hiddenSize);
        this.bIh = given(cell, "bias_ih_l0", bIh, rows);
        this.bHh = given(cell, "bias_hh_l0", bHh, rows);
    }

    /** The four weights from a state dict with exactly the keys of the PyTorch layer (see the class comment). */
    static GateWeights fromState(String cell, int gates, Map<String, Tensor> state) {
        if (state == null) {
            throw new IllegalArgumentException(cell + ": the state dict is null");
        }
        Set<String> extra = new TreeSet<>(state.keySet());
        extra.removeAll(KEYS);
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException(cell + ": unexpected keys " + extra + " in the state dict (expected "
                    + KEYS + "; strip a module's prefix first)");
        }
        for (String k : KEYS) {
            if (!state.containsKey(k)) {
                throw new IllegalArgumentException(cell + ": the state dict lacks '" + k + "' (it has "
                        + new TreeSet<>(state.keySet()) + ")");
            }
        }
        return new GateWeights(cell, gates, state.get("weight_ih_l0"), state.get("weight_hh_l0"),
                state.get("bias_ih_l0"), state.get("bias_hh_l0"));
    }

    /** The keys of a one-layer PyTorch recurrent module, in its order. */
    static final List<String> KEYS = List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0");

    private static Var given(String cell, String name, Tensor value, int... shape) {
        StateDict.checkValue(cell + ": ", name, shape, value);
        return Var.param(value, name);
    }

    List<Var> parameters() {
        return List.of(wIh, wHh, bIh, bHh);
    }

    /**
     * The input-only part of every step, for all steps at once: {@code x W_ihᵀ + b_ih}, plus
     * {@code b_hh} when the cell adds it outside any gate product ({@code withHiddenBias}).
     */
    Var project(Var inputs, Params p, boolean withHiddenBias) {
        Var bias = withHiddenBias ? p.get(bIh).add(p.get(bHh)) : p.get(bIh);
        return Init.project(inputs, p.get(wIh), bias);
    }
}
