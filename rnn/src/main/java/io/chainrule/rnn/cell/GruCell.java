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
 * The GRU, with PyTorch's {@code nn.GRU} equations, gate order (r, z, n) and weight layout:
 * <pre>
 * r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)
 * z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)
 * n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
 * h' = (1 - z) ⊙ n + z ⊙ h
 * </pre>
 * {@code weight_ih_l0} [3H, D] stacks W_ir, W_iz, W_in; {@code weight_hh_l0} [3H, H] stacks
 * W_hr, W_hz, W_hn; {@code bias_ih_l0} and {@code bias_hh_l0} are [3H]. The input product and
 * b_ih are hoisted out of the time loop (b_hn sits inside r ⊙ (...) and stays in the step).
 */
public final class GruCell extends LayoutCell {

    public GruCell(int inputSize, int hiddenSize, long seed) {
        this(inputSize, hiddenSize, new Well19937c(seed));
    }

    public GruCell(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(inputSize, hiddenSize, LayerPosition.FIRST, rng);
    }

    /** The cell of {@code position} in a deep or bidirectional network (parameters named for it). */
    public GruCell(int inputSize, int hiddenSize, LayerPosition position, RandomGenerator rng) {
        this(inputSize, hiddenSize, position, rng, DType.FLOAT64);
    }

    /** A cell of {@code dtype} (float32: the same draws as float64, rounded), for {@code position}. */
    public GruCell(int inputSize, int hiddenSize, LayerPosition position, RandomGenerator rng, DType dtype) {
        super("GruCell", 3, inputSize, hiddenSize, position, rng, dtype, false);
    }

    /** A first-layer cell of {@code dtype}, seeded. */
    public GruCell(int inputSize, int hiddenSize, long seed, DType dtype) {
        this(inputSize, hiddenSize, LayerPosition.FIRST, new Well19937c(seed), dtype);
    }

    /**
     * Given weights in {@code nn.GRU}'s layout (see the class comment; H and D are read from
     * {@code weightIh} [3·H, D]). The tensors become the parameters' values (not copies); shapes are
     * checked and values must be finite, or the error names the weight.
     */
    public GruCell(Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh) {
        this(new GateWeights("GruCell", 3, weightIh, weightHh, biasIh, biasHh));
    }

    private GruCell(GateWeights w) {
        super(w, false);
    }

    /**
     * The cell whose {@link #stateDict()} is {@code state}: exactly the keys {@code weight_ih_l0},
     * {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0} of a one-layer {@code nn.GRU}
     * (its {@code state_dict()}, e.g. read with {@code Safetensors.load}).
     */
    public static GruCell fromState(Map<String, Tensor> state) {
        return new GruCell(GateWeights.fromState("GruCell", 3, state));
    }

    @Override
    public State step(Var input, State previous, Params p) {
        Var hPrev = previous.h();
        Var hh = Ops.matmul(hPrev, false, p.get(w.wHh), true).add(p.get(w.bHh));
        return State.of(Ops.gruGates(input, hh, hPrev));
    }

    /**
     * The GRU's pointwise equations written with elementwise ops (the class comment's formulas):
     * the readable reference that {@link Ops#gruGates}, which the step uses, equals bit for bit.
     * {@code xi} = x·W_ihᵀ + b_ih, {@code hh} = h·W_hhᵀ + b_hh; returns h'.
     */
    public static Var composedGates(Var xi, Var hh, Var hPrev) {
        int h = hPrev.shape()[1];
        Var[] x = Ops.split(xi, 1, h, h, h);
        Var[] y = Ops.split(hh, 1, h, h, h);
        Var r = x[0].add(y[0]).sigmoid();
        Var z = x[1].add(y[1]).sigmoid();
        Var n = x[2].add(r.mul(y[2])).tanh();
        // h' = (1 - z) n + z h = n + z (h - n)
        return n.add(z.mul(hPrev.sub(n)));
    }

    @Override
    public String name() {
        return "gru";
    }
}
