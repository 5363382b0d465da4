package io.chainrule.rnn.cell;

import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.rnn.Params;
import org.apache.commons.math3.random.RandomGenerator;

import java.util.List;

/**
 * The four parameters of a PyTorch-layout recurrent layer with G gate blocks (1 for {@code nn.RNN},
 * 3 for {@code nn.GRU}, 4 for {@code nn.LSTM}): {@code weight_ih_l0} [G·H, D], {@code weight_hh_l0}
 * [G·H, H], {@code bias_ih_l0} and {@code bias_hh_l0} [G·H], each initialized uniform in
 * [-1/sqrt(H), 1/sqrt(H)) as PyTorch does. In a deep or bidirectional network the suffix names
 * the {@link LayerPosition} ({@code weight_ih_l1_reverse}).
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
