package io.chainrule.autodiff;

import io.chainrule.autodiff.op.Add;
import io.chainrule.autodiff.op.AddMatMul;
import io.chainrule.autodiff.op.BroadcastTo;
import io.chainrule.autodiff.op.Cast;
import io.chainrule.autodiff.op.Concat;
import io.chainrule.autodiff.op.Exp;
import io.chainrule.autodiff.op.GruGates;
import io.chainrule.autodiff.op.Identity;
import io.chainrule.autodiff.op.Log;
import io.chainrule.autodiff.op.LstmGates;
import io.chainrule.autodiff.op.MatMul;
import io.chainrule.autodiff.op.Mul;
import io.chainrule.autodiff.op.Neg;
import io.chainrule.autodiff.op.Permute;
import io.chainrule.autodiff.op.Pow;
import io.chainrule.autodiff.op.Relu;
import io.chainrule.autodiff.op.Reshape;
import io.chainrule.autodiff.op.ScaleGrad;
import io.chainrule.autodiff.op.Sigmoid;
import io.chainrule.autodiff.op.Slice;
import io.chainrule.autodiff.op.Split;
import io.chainrule.autodiff.op.Sum;
import io.chainrule.autodiff.op.Tanh;
import io.chainrule.core.DType;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

/**
 * Every differentiable operation, as static functions on {@link Var}s.
 *
 * <p>Primitives (one class each in {@code io.chainrule.autodiff.op}, listed in
 * {@link io.chainrule.autodiff.op.Primitives}) carry derivative code; everything else here is
 * composed from them and has no backward of its own: {@code sub = add(a, neg(b))},
 * {@code div = mul(a, pow(b, -1))}, {@code mean = sum · (1/n)}, softmax and log-softmax from
 * exp, log, sum and a detached maximum.
 *
 * <p>All binary elementwise operations broadcast (NumPy rules); shapes that do not fit raise
 * {@link IllegalArgumentException} naming both shapes.
 */
public final class Ops {
    private Ops() {
    }

    // ------------------------------------------------------------------ elementwise

    public static Var add(Var a, Var b) {
        return Add.apply(a, b);
    }

    /** a - b, composed as a + (-b). */
    public static Var sub(Var a, Var b) {
        return Add.apply(a, Neg.apply(b));
    }

    public static Var mul(Var a, Var b) {
        return Mul.apply(a, b);
    }

    /** a / b, composed as a · b⁻¹. */
    public static Var div(Var a, Var b) {
        return Mul.apply(a, Pow.apply(b, -1.0));
    }

    /** c · x for a constant c (taken in x's dtype). */
    public static Var scale(Var x, double c) {
        return Mul.apply(x, Var.constant(Tensor.scalar(x.value().dtype(), c)));
    }

    public static Var neg(Var x) {
        return Neg.apply(x);
    }

    /** x^p for a constant exponent p. */
    public static Var pow(Var x, double p) {
        return Pow.apply(x, p);
    }

    /** x², composed as pow(x, 2). */
    public static Var square(Var x) {
        return Pow.apply(x, 2.0);
    }

    public static Var exp(Var x) {
        return Exp.apply(x);
    }

    public static Var log(Var x) {
        return Log.apply(x);
    }

    public static Var tanh(Var x) {
        return Tanh.apply(x);
    }

    public static Var sigmoid(Var x) {
        return Sigmoid.apply(x);
    }

    public static Var relu(Var x) {
        return Relu.apply(x);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements, rank 0. */
    public static Var sum(Var x) {
        return Sum.all(x);
    }

    /** Sum over axes (negative axes count from the end). */
    public static Var sum(Var x, int[] axes, boolean keepDims) {
        return Sum.apply(x, axes, keepDims);
    }

    /** Sum over one axis. */
    public static Var sum(Var x, int axis, boolean keepDims) {
        return Sum.apply(x, new int[] {axis}, keepDims);
    }

    /** Mean of all elements, rank 0, composed as sum · (1/n). */
    public static Var mean(Var x) {
        int n = x.value().size();
        if (n == 0) {
            throw new IllegalArgumentException("mean of an empty value of shape " + Shape.format(x.shape()));
        }
        return scale(Sum.all(x), 1.0 / n);
    }

    /** Mean over axes, composed as sum · (1/n). */
    public static Var mean(Var x, int[] axes, boolean keepDims) {
        int[] shape = x.shape();
        long n = 1;
        for (int a : axes) {
            n *= shape[Shape.axis(a, shape.length)];
        }
        if (n == 0) {
            throw new IllegalArgumentException("mean over an empty axis of shape " + Shape.format(shape));
        }
        return scale(Sum.apply(x, axes, keepDims), 1.0 / n);
    }

    // ------------------------------------------------------------------ shapes

    public static Var reshape(Var x, int... shape) {
        return Reshape.apply(x, shape);
    }

    /** Swaps the last two axes. */
    public static Var transpose(Var x) {
        return Permute.transpose(x);
    }

    /** Reorders axes: output axis i is input axis {@code perm[i]}. */
    public static Var permute(Var x, int... perm) {
        return Permute.apply(x, perm);
    }

    /** Elements {@code from .. to-1} along {@code axis}. */
    public static Var slice(Var x, int axis, int from, int to) {
        return Slice.apply(x, axis, from, to);
    }

    /** Consecutive parts of {@code sizes[i]} elements along {@code axis} (one node, many outputs). */
    public static Var[] split(Var x, int axis, int... sizes) {
        return Split.apply(x, axis, sizes);
    }

    /** The sub-values at each position of {@code axis}, with that axis removed (one node, many outputs). */
    public static Var[] unstack(Var x, int axis) {
        return Split.unstack(x, axis);
    }

    /** Stacks values of equal shape along a new leading axis, composed as concat of reshapes. */
    public static Var stack(Var... xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException("stack needs at least one value");
        }
        Var[] parts = new Var[xs.length];
        for (int i = 0; i < xs.length; i++) {
            int[] s = xs[i].shape();
            int[] withAxis = new int[s.length + 1];
            withAxis[0] = 1;
            System.arraycopy(s, 0, withAxis, 1, s.length);
            parts[i] = Reshape.apply(xs[i], withAxis);
        }
        return Concat.apply(0, parts);
    }

    /** Joins values along {@code axis}. */
    public static Var concat(int axis, Var... xs) {
        return Concat.apply(axis, xs);
    }

    /** Expands x to {@code shape} by broadcasting. */
    public static Var broadcastTo(Var x, int... shape) {
        return BroadcastTo.apply(x, shape);
    }

    // ------------------------------------------------------------------ products

    /**
     * The generalized product {@code prod} of the BPTT chapter: a rank-0 operand scales the other
     * (elementwise product); otherwise the matrix product with NumPy {@code matmul} rules —
     * vector·vector is the dot product, matrix·vector, vector·matrix, matrix·matrix, and batched
     * products whose leading axes broadcast. Shapes that do not fit raise an error naming both.
     */
    public static Var prod(Var a, Var b) {
        if (a.value().rank() == 0 || b.value().rank() == 0) {
            return Mul.apply(a, b);
        }
        return MatMul.apply(a, false, b, false);
    }

    /** {@code op(a) · op(b)} where op transposes the last two axes when its flag is set (no copy). */
    public static Var matmul(Var a, boolean transposeA, Var b, boolean transposeB) {
        return MatMul.apply(a, transposeA, b, transposeB);
    }

    /**
     * {@code c + op(a) · op(b)} for matrices, c of the product's shape or a row [n] added to every
     * row (a bias), in one pass (BLAS gemm, PyTorch addmm): the usual form of a recurrent step's
     * pre-activation and of a layer with a bias.
     */
    public static Var addMatMul(Var c, Var a, boolean transposeA, Var b, boolean transposeB) {
        return AddMatMul.apply(c, a, transposeA, b, transposeB);
    }

    /**
     * {@code f(c + op(a) · op(b))} as one op: the same values and gradients, bit for bit, as
     * {@code addMatMul(...)} followed by {@code tanh()} or {@code sigmoid()}, but the activation
     * is computed in place over the product, so a recurrent step such as
     * {@code tanh(x_t W_ihᵀ + b + h W_hhᵀ)} makes one buffer and one node instead of two. The
     * pre-activation is not kept; use the two ops when you need it.
     */
    public static Var addMatMul(Var c, Var a, boolean transposeA, Var b, boolean transposeB, Activation then) {
        return AddMatMul.apply(c, a, transposeA, b, transposeB, then);
    }

    /**
     * The affine layer {@code y = x Wᵀ + b} (PyTorch's {@code nn.functional.linear}): x [N, in],
     * W [out, in] (the {@code nn.Linear} layout), b [out] added to every row, or null for none.
     * With a bias it is {@link #addMatMul(Var, Var, boolean, Var, boolean) addMatMul(b, x, false, W, true)}
     * (one pass); without, {@link #matmul matmul(x, false, W, true)}. Shapes that do not fit raise
     * an error naming them.
     */
    public static Var linear(Var x, Var weight, Var bias) {
        if (x == null || weight == null) {
            throw new IllegalArgumentException("linear: " + (x == null ? "x" : "weight") + " must not be null");
        }
        if (weight.shape().length != 2) {
            throw new IllegalArgumentException("linear: weight must be a matrix [out, in], got shape "
                    + Shape.format(weight.shape()));
        }
        if (bias != null && !java.util.Arrays.equals(bias.shape(), new int[] {weight.shape()[0]})) {
            throw new IllegalArgumentException("linear: bias must have shape [" + weight.shape()[0]
                    + "] for weight " + Shape.format(weight.shape()) + ", got " + Shape.format(bias.shape()));
        }
        return bias == null ? MatMul.apply(x, false, weight, true) : AddMatMul.apply(bias, x, false, weight, true);
    }

    // ------------------------------------------------------------------ gated cells (fused)

    /**
     * The pointwise part of an LSTM step from the pre-activations {@code pre} [B, 4H] (gates i, f,
     * g, o) and the previous cell state [B, H]: {h, c}, bitwise the composed equations (see
     * {@code LstmCell}) in one op.
     */
    public static Var[] lstmGates(Var pre, Var cPrev) {
        return LstmGates.apply(pre, cPrev);
    }

    /**
     * The pointwise part of a GRU step from x·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh (each [B, 3H], gates
     * r, z, n) and the previous state: h, bitwise the composed equations (see {@code GruCell}) in
     * one op.
     */
    public static Var gruGates(Var xi, Var hh, Var hPrev) {
        return GruGates.apply(xi, hh, hPrev);
    }

    // ------------------------------------------------------------------ precision

    /**
     * {@code x} as {@code dtype} (float64 to float32 rounds to nearest; float32 to float64 is exact;
     * x itself when it already is): the explicit way a graph mixes precisions, since operands of two
     * dtypes are otherwise an error naming both. The gradient flows back cast to x's dtype.
     */
    public static Var cast(Var x, DType dtype) {
        return Cast.apply(x, dtype);
    }

    // ------------------------------------------------------------------ gradient paths

    /** The same value with no gradient path: nothing upstream of the result receives gradient through it. */
    public static Var detach(Var x) {
        return x.requiresGrad() ? Var.constant(x.value()) : x;
    }

    /**
     * The same value as a node of its own (backward passes the gradient unchanged): a hook on it
     * sees exactly the gradient that flows through this use of {@code x}.
     */
    public static Var identity(Var x) {
        return Identity.apply(x);
    }

    /**
     * Identity forward; backward multiplies the gradient by {@code xi} ({@code 0} cuts the path;
     * {@code 1} returns {@code x} itself, adding no node).
     * The building block of randomized truncation.
     */
    public static Var scaleGrad(Var x, double xi) {
        return ScaleGrad.apply(x, xi);
    }

    // ------------------------------------------------------------------ randomness

    /**
     * Inverted dropout, a composite ({@code x ⊙ m}, no backward of its own): each element of x is
     * kept with probability {@code 1 − p} and scaled by {@code 1/(1 − p)}, or set to 0, so that
     * {@code E[dropout(x)] = x}. The mask m is drawn from {@link Rng#current()} (one uniform per
     * element, row-major: kept when the draw is at least p), so a checkpointed segment replays the
     * same mask. {@code p = 0} returns x itself and draws nothing.
     */
    public static Var dropout(Var x, double p) {
        return dropout(x, p, x.shape());
    }

    /**
     * Dropout with one mask of {@code maskShape} broadcast over x (NumPy rules): with
     * {@code x} of shape [T, B, H] and a mask [1, B, H], every step of a sequence drops the same
     * units (variational dropout). Draws {@code size(maskShape)} uniforms from {@link Rng#current()}.
     */
    public static Var dropout(Var x, double p, int... maskShape) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        if (!Shape.broadcastsTo(maskShape, x.shape())) {
            throw new IllegalArgumentException("a dropout mask of shape " + Shape.format(maskShape)
                    + " does not broadcast to the value's shape " + Shape.format(x.shape()));
        }
        if (p == 0) {
            return x;
        }
        double[] m = new double[Shape.size(Shape.checked(maskShape))];
        double keep = 1.0 / (1.0 - p);
        Rng rng = Rng.current();
        for (int i = 0; i < m.length; i++) {
            m[i] = rng.nextDouble() < p ? 0.0 : keep;
        }
        return Mul.apply(x, Var.constant(Tensor.wrap(m, maskShape)));
    }

    // ------------------------------------------------------------------ softmax family (composites)

    /**
     * Numerically stable softmax along {@code axis}: exp(x - m) / Σ exp(x - m) with m the
     * (detached) maximum along the axis; subtracting a constant does not change the result or its
     * gradient, and keeps exp from overflowing.
     */
    public static Var softmax(Var x, int axis) {
        Var shifted = sub(x, Var.constant(x.value().max(new int[] {axis}, true)));
        Var e = exp(shifted);
        return div(e, sum(e, axis, true));
    }

    /** Numerically stable log-softmax along {@code axis}: (x - m) - log Σ exp(x - m). */
    public static Var logSoftmax(Var x, int axis) {
        Var shifted = sub(x, Var.constant(x.value().max(new int[] {axis}, true)));
        return sub(shifted, log(sum(exp(shifted), axis, true)));
    }

    /** log Σ exp(x) along {@code axis} (kept with size 1), stably. */
    public static Var logSumExp(Var x, int axis) {
        Tensor m = x.value().max(new int[] {axis}, true);
        Var shifted = sub(x, Var.constant(m));
        return add(log(sum(exp(shifted), axis, true)), Var.constant(m));
    }
}
