package io.chainrule.rnn.cell;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

import java.util.List;

/**
 * The chapter's linear recurrent cell, no bias: {@code h_t = W_hx x_t + W_hh h_{t-1}}, with
 * W_hx of shape [H, D] and W_hh of shape [H, H]. Batched rows: {@code h_t = x_t W_hxᵀ + h_{t-1} W_hhᵀ}.
 * The input product of all steps is hoisted ({@link #prepareInputs}).
 */
public final class LinearCell implements Cell {
    private final int inputSize;
    private final int hiddenSize;
    private final Var wHx;
    private final Var wHh;

    /** Random weights uniform in [-1/sqrt(H), 1/sqrt(H)), seeded. */
    public LinearCell(int inputSize, int hiddenSize, long seed) {
        this(inputSize, hiddenSize, new Well19937c(seed));
    }

    public LinearCell(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, rng, DType.FLOAT64);
    }

    /** Random weights of {@code dtype} (float32: the float64 draws, rounded). */
    public LinearCell(int inputSize, int hiddenSize, RandomGenerator rng, DType dtype) {
        Init.checkSizes("LinearCell", inputSize, hiddenSize);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.wHx = Init.uniform(rng, hiddenSize, "W_hx", dtype, hiddenSize, inputSize);
        this.wHh = Init.uniform(rng, hiddenSize, "W_hh", dtype, hiddenSize, hiddenSize);
    }

    /** Given weights: W_hx [H, D], W_hh [H, H]. */
    public LinearCell(Tensor wHx, Tensor wHh) {
        if (wHx == null || wHx.rank() != 2) {
            throw new IllegalArgumentException("LinearCell: W_hx must be a [H, D] matrix, got "
                    + (wHx == null ? "null" : java.util.Arrays.toString(wHx.shape())));
        }
        this.hiddenSize = wHx.dim(0);
        this.inputSize = wHx.dim(1);
        this.wHx = Init.param("LinearCell", "W_hx", wHx, hiddenSize, inputSize);
        this.wHh = Init.param("LinearCell", "W_hh", wHh, hiddenSize, hiddenSize);
    }

    public Var wHx() {
        return wHx;
    }

    public Var wHh() {
        return wHh;
    }

    @Override
    public List<Var> parameters() {
        return List.of(wHx, wHh);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int hiddenSize() {
        return hiddenSize;
    }

    @Override
    public Var prepareInputs(Var inputs, Params p) {
        return Init.project(inputs, p.get(wHx), null);
    }

    @Override
    public State step(Var input, State previous, Params p) {
        return State.of(Ops.addMatMul(input, previous.h(), false, p.get(wHh), true));
    }

    @Override
    public String name() {
        return "linear";
    }
}
