package io.chainrule.rnn.cell;

import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import org.apache.commons.math3.random.RandomGenerator;

/** PyTorch's default recurrent initialization: every parameter uniform in [-1/sqrt(H), 1/sqrt(H)). */
final class Init {
    private Init() {
    }

    /** A parameter of {@code shape} uniform in [-1/sqrt(hidden), 1/sqrt(hidden)), drawn in float64 and stored as {@code dtype}. */
    static Var uniform(RandomGenerator rng, int hidden, String name, DType dtype, int... shape) {
        double k = 1.0 / Math.sqrt(hidden);
        return Var.param(Tensor.uniform(rng, -k, k, shape).cast(dtype), name);
    }

    static void checkSizes(String cell, int inputSize, int hiddenSize) {
        if (inputSize <= 0) {
            throw new IllegalArgumentException(cell + ": input size must be positive, got " + inputSize);
        }
        if (hiddenSize <= 0) {
            throw new IllegalArgumentException(cell + ": hidden size must be positive, got " + hiddenSize);
        }
    }

    /** Checks a user-supplied parameter tensor's shape, naming the parameter and both shapes. */
    static Var param(String cell, String name, Tensor value, int... shape) {
        if (value == null) {
            throw new IllegalArgumentException(cell + ": parameter " + name + " is null");
        }
        if (!value.hasShape(shape)) {
            throw new IllegalArgumentException(cell + ": parameter " + name + " must have shape "
                    + java.util.Arrays.toString(shape) + ", got " + java.util.Arrays.toString(value.shape()));
        }
        return Var.param(value, name);
    }

    /** [T, B, D] inputs as rows [T·B, D] times Wᵀ ([G, D]) plus an optional bias [G], back to [T, B, G]. */
    static Var project(Var inputs, Var weight, Var bias) {
        int[] s = inputs.shape();
        Var rows = inputs.reshape(s[0] * s[1], s[2]);
        // the bias and the product in one pass (addmm with a row bias)
        return io.chainrule.autodiff.Ops.linear(rows, weight, bias).reshape(s[0], s[1], weight.shape()[0]);
    }
}
