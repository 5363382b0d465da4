package io.chainrule.rnn.cell;

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
 * The LSTM, with PyTorch's {@code nn.LSTM} equations, gate order (i, f, g, o) and weight layout:
 * <pre>
 * i = σ(x W_iiᵀ + b_ii + h W_hiᵀ + b_hi)
 * f = σ(x W_ifᵀ + b_if + h W_hfᵀ + b_hf)
 * g = tanh(x W_igᵀ + b_ig + h W_hgᵀ + b_hg)
 * o = σ(x W_ioᵀ + b_io + h W_hoᵀ + b_ho)
 * c' = f ⊙ c + i ⊙ g
 * h' = o ⊙ tanh(c')
 * </pre>
 * {@code weight_ih_l0} [4H, D], {@code weight_hh_l0} [4H, H], {@code bias_ih_l0} and
 * {@code bias_hh_l0} [4H]. The state is (h, c). The input product and both biases are hoisted out
 * of the time loop.
 */
public final class LstmCell extends LayoutCell {

    public LstmCell(int inputSize, int hiddenSize, long seed) {
        this(inputSize, hiddenSize, new Well19937c(seed));
    }

    public LstmCell(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, LayerPosition.FIRST, rng);
    }

    /** The cell of {@code position} in a deep or bidirectional network (parameters named for it). */
    public LstmCell(int inputSize, int hiddenSize, LayerPosition position, RandomGenerator rng) {
        this(inputSize, hiddenSize, position, rng, DType.FLOAT64);
    }

    /** A cell of {@code dtype} (float32: the same draws as float64, rounded), for {@code position}. */
    public LstmCell(int inputSize, int hiddenSize, LayerPosition position, RandomGenerator rng, DType dtype) {
        super("LstmCell", 4, inputSize, hiddenSize, position, rng, dtype, true);
    }

    /** A first-layer cell of {@code dtype}, seeded. */
    public LstmCell(int inputSize, int hiddenSize, long seed, DType dtype) {
        this(inputSize, hiddenSize, LayerPosition.FIRST, new Well19937c(seed), dtype);
    }

    /**
     * Given weights in {@code nn.LSTM}'s layout (see the class comment; H and D are read from
     * {@code weightIh} [4·H, D]). The tensors become the parameters' values (not copies); shapes are
     * checked and values must be finite, or the error names the weight.
     */
    public LstmCell(Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh) {
        this(new GateWeights("LstmCell", 4, weightIh, weightHh, biasIh, biasHh));
    }

    private LstmCell(GateWeights w) {
        super(w, true);
    }

    /**
     * The cell whose {@link #stateDict()} is {@code state}: exactly the keys {@code weight_ih_l0},
     * {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0} of a one-layer {@code nn.LSTM}
     * (its {@code state_dict()}, e.g. read with {@code Safetensors.load}).
     */
    public static LstmCell fromState(Map<String, Tensor> state) {
        return new LstmCell(GateWeights.fromState("LstmCell", 4, state));
    }

    @Override
    public int stateParts() {
        return 2;
    }

    @Override
    public State step(Var input, State previous, Params p) {
        Var gates = Ops.addMatMul(input, previous.h(), false, p.get(w.wHh), true);
        Var[] hc = Ops.lstmGates(gates, previous.get(1));
        return State.of(hc[0], hc[1]);
    }

    /**
     * The LSTM's pointwise equations written with elementwise ops (the class comment's formulas):
     * the readable reference that {@link Ops#lstmGates}, which the step uses, equals bit for bit.
     * Returns {h, c}.
     */
    public static Var[] composedGates(Var pre, Var cPrev) {
        int h = cPrev.shape()[1];
        Var[] parts = Ops.split(pre, 1, h, h, h, h);
        Var i = parts[0].sigmoid();
        Var f = parts[1].sigmoid();
        Var g = parts[2].tanh();
        Var o = parts[3].sigmoid();
        Var c = f.mul(cPrev).add(i.mul(g));
        return new Var[] {o.mul(c.tanh()), c};
    }

    @Override
    public String name() {
        return "lstm";
    }
}
