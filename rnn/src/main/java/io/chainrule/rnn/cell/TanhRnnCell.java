package io.chainrule.rnn.cell;

import io.chainrule.autodiff.Activation;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

import java.util.Map;

/**
 * The tanh RNN with biases, laid out as PyTorch's {@code nn.RNN} (one layer):
 * {@code h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)} with {@code weight_ih_l0} [H, D],
 * {@code weight_hh_l0} [H, H], {@code bias_ih_l0} [H], {@code bias_hh_l0} [H]. (The chapter's
 * {@code tanh(W h + U x + b)} with W = W_hh, U = W_ih, b = b_ih + b_hh.) The input product and both
 * biases are hoisted out of the time loop.
 */
public final class TanhRnnCell extends LayoutCell {

    public TanhRnnCell(int inputSize, int hiddenSize, long seed) {
        this(inputSize, hiddenSize, new Well19937c(seed));
    }

    public TanhRnnCell(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, LayerPosition.FIRST, rng);
    }

    /** The cell of {@code position} in a deep or bidirectional network (parameters named for it). */
    public TanhRnnCell(int inputSize, int hiddenSize, LayerPosition position, RandomGenerator rng) {
        this(inputSize, hiddenSize, position, rng, DType.FLOAT64);
    }

    /** A cell of {@code dtype} (float32: the same draws as float64, rounded), for {@code position}. */
    public TanhRnnCell(int inputSize, int hiddenSize, LayerPosition position, RandomGenerator rng, DType dtype) {
        super("TanhRnnCell", 1, inputSize, hiddenSize, position, rng, dtype, true);
    }

    /** A first-layer cell of {@code dtype}, seeded. */
    public TanhRnnCell(int inputSize, int hiddenSize, long seed, DType dtype) {
        this(inputSize, hiddenSize, LayerPosition.FIRST, new Well19937c(seed), dtype);
    }

    /**
     * Given weights in {@code nn.RNN}'s layout (see the class comment; H and D are read from
     * {@code weightIh} [H, D]). The tensors become the parameters' values (not copies); shapes are
     * checked and values must be finite, or the error names the weight.
     */
    public TanhRnnCell(Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh) {
        this(new GateWeights("TanhRnnCell", 1, weightIh, weightHh, biasIh, biasHh));
    }

    private TanhRnnCell(GateWeights w) {
        super(w, true);
    }

    /**
     * The cell whose {@link #stateDict()} is {@code state}: exactly the keys {@code weight_ih_l0},
     * {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0} of a one-layer {@code nn.RNN}
     * (its {@code state_dict()}, e.g. read with {@code Safetensors.load}).
     */
    public static TanhRnnCell fromState(Map<String, Tensor> state) {
        return new TanhRnnCell(GateWeights.fromState("TanhRnnCell", 1, state));
    }

    @Override
    public State step(Var input, State previous, Params p) {
        return State.of(Ops.addMatMul(input, previous.h(), false, p.get(w.wHh), true, Activation.TANH));
    }

    @Override
    public String name() {
        return "rnn";
    }
}
