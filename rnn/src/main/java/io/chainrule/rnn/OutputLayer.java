package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.StateDict;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

import java.util.ArrayList;
import java.util.List;

/**
 * The output layer {@code o_t = W_qh h_t (+ c)}: batched rows {@code o = h W_qhᵀ + c}, with
 * {@code weight} [Q, H] and optional {@code bias} [Q] (PyTorch {@code nn.Linear} layout and names).
 * Initialized uniform in [-1/sqrt(H), 1/sqrt(H)).
 */
public final class OutputLayer {
    private final Var weight;
    private final Var bias;

    public OutputLayer(int hiddenSize, int outputSize, boolean withBias, long seed) {
        this(hiddenSize, outputSize, withBias, new Well19937c(seed));
    }

    public OutputLayer(int hiddenSize, int outputSize, boolean withBias, RandomGenerator rng) {
        this(hiddenSize, outputSize, withBias, rng, DType.FLOAT64);
    }

    /** Random weights of {@code dtype} (float32: the float64 draws, rounded). */
    public OutputLayer(int hiddenSize, int outputSize, boolean withBias, RandomGenerator rng, DType dtype) {
        if (hiddenSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("OutputLayer: sizes must be positive, got hidden " + hiddenSize
                    + ", output " + outputSize);
        }
        double k = 1.0 / Math.sqrt(hiddenSize);
        this.weight = Var.param(Tensor.uniform(rng, -k, k, outputSize, hiddenSize).cast(dtype), "weight");
        this.bias = withBias ? Var.param(Tensor.uniform(rng, -k, k, outputSize).cast(dtype), "bias") : null;
    }

    /** Seeded, of {@code dtype}. */
    public OutputLayer(int hiddenSize, int outputSize, boolean withBias, long seed, DType dtype) {
        this(hiddenSize, outputSize, withBias, new Well19937c(seed), dtype);
    }

    /** Given weights: W_qh [Q, H], bias [Q] or null. */
    public OutputLayer(Tensor weight, Tensor bias) {
        if (weight == null || weight.rank() != 2) {
            throw new IllegalArgumentException("OutputLayer: weight must be a [Q, H] matrix, got "
                    + (weight == null ? "null" : java.util.Arrays.toString(weight.shape())));
        }
        StateDict.checkValue("OutputLayer: ", "weight", weight.shape(), weight);
        if (bias != null) {
            StateDict.checkValue("OutputLayer: ", "bias", new int[] {weight.dim(0)}, bias);
        }
        this.weight = Var.param(weight, "weight");
        this.bias = bias == null ? null : Var.param(bias, "bias");
    }

    /** o = h W_qhᵀ (+ c) for h of shape [B, H] (or [N, H]). */
    public Var apply(Var h) {
        Var o = Ops.matmul(h, false, weight, true);
        return bias == null ? o : o.add(bias);
    }

    public Var weight() {
        return weight;
    }

    public Var bias() {
        return bias;
    }

    /** {@code weight} and {@code bias} (when it has one): the keys of PyTorch's {@code nn.Linear}. */
    public StateDict stateDict() {
        return StateDict.of(parameters());
    }

    public List<Var> parameters() {
        List<Var> ps = new ArrayList<>();
        ps.add(weight);
        if (bias != null) {
            ps.add(bias);
        }
        return ps;
    }
}
