package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Activation;
import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

/**
 * {@code y = c + op(a) · op(b)} for matrices, with c of the product's shape or a row [n] (or [1, n])
 * added to every row (BLAS's gemm, PyTorch's addmm). A primitive for speed: the product is
 * accumulated by the kernel into a copy of c, so a recurrent step {@code x_t W_ihᵀ + h W_hhᵀ}, or
 * a layer's {@code x Wᵀ + b}, costs one buffer and one pass instead of a product, a sum and two
 * buffers. Backward: {@code dc = g} (summed over the rows for a row c), and the products of {@link MatMul}
 * ({@code dA = g · op(B)ᵀ}, {@code dB = op(A)ᵀ · g}, transposed forms alike). Saves B only if A
 * needs a gradient and A only if B does.
 *
 * <p>With an {@link Activation}, {@code y = f(c + op(a) · op(b))}: f is applied in place over the
 * product (one buffer, one node) and backward first forms {@code g ⊙ f'(y)} (over g itself when
 * the engine owns it), exactly as {@link Tanh} and {@link Sigmoid} do, so the values and gradients
 * are bitwise those of the two separate ops. Then y is saved as well.
 *
 * <p>A {@linkplain Var#donate() donated} c of the product's shape is accumulated into where it
 * lies instead of into a copy: the same values, with no new buffer.
 */
public final class AddMatMul extends Op {
    private final boolean ta;
    private final boolean tb;
    private final int aIndex;
    private final int bIndex;
    private final int[] cShape;
    private final Activation then;

    private AddMatMul(Var c, Var a, boolean ta, Var b, boolean tb, Activation then) {
        super(nameOf(then), c, a, b);
        this.cShape = c.shape();
        this.ta = ta;
        this.tb = tb;
        this.then = then;
        int next = then != Activation.IDENTITY ? 1 : 0; // saved(0) is y, saved once it is computed
        int ai = -1;
        int bi = -1;
        if (needsInputGrad(2)) {
            ai = next++;
        }
        if (needsInputGrad(1)) {
            bi = next;
        }
        this.aIndex = ai;
        this.bIndex = bi;
    }

    public static Var apply(Var c, Var a, boolean transposeA, Var b, boolean transposeB) {
        return apply(c, a, transposeA, b, transposeB, Activation.IDENTITY);
    }

    private static String nameOf(Activation then) {
        return then == Activation.TANH ? "addmm+tanh" : then == Activation.SIGMOID ? "addmm+sigmoid" : "addmm";
    }

    /** {@code then(c + op(a) · op(b))}; see the class comment. */
    public static Var apply(Var c, Var a, boolean transposeA, Var b, boolean transposeB, Activation then) {
        if (then == null) {
            throw new IllegalArgumentException("addmm: the activation must not be null (use Activation.IDENTITY for none)");
        }
        Tensor av = a.value();
        Tensor bv = b.value();
        if (av.rank() != 2 || bv.rank() != 2) {
            throw new IllegalArgumentException("addmm needs matrices, got shapes " + Shape.format(av.shape())
                    + (transposeA ? "ᵀ" : "") + " and " + Shape.format(bv.shape()) + (transposeB ? "ᵀ" : ""));
        }
        int m = transposeA ? av.dim(1) : av.dim(0);
        int n = transposeB ? bv.dim(0) : bv.dim(1);
        // c's shape, not its value: reading the value would withdraw a donation
        int[] cs = c.shape();
        boolean rowBias = (cs.length == 1 && cs[0] == n) || (cs.length == 2 && cs[0] == 1 && cs[1] == n);
        if (!rowBias && !(cs.length == 2 && cs[0] == m && cs[1] == n)) {
            // let matmul name the operands if they do not fit, then name c against the product
            av.matmul(transposeA, bv, transposeB);
            throw new IllegalArgumentException("addmm: c of shape " + Shape.format(cs)
                    + " is neither [" + n + "] nor the shape of the product of " + Shape.format(av.shape()) + (transposeA ? "ᵀ" : "") + " and "
                    + Shape.format(bv.shape()) + (transposeB ? "ᵀ" : "") + ", of shape [" + m + ", " + n + "]");
        }
        AddMatMul op = new AddMatMul(c, a, transposeA, b, transposeB, then);
        // a donated c is accumulated into where it lies (no copy, no new buffer): the same values
        Tensor y = rowBias ? null : op.overwritable(0);
        if (y == null) {
            Tensor cv = c.value();
            y = rowBias ? cv.broadcastTo(m, n) : cv.copy();
        }
        y.addMatMulInPlace(av, transposeA, bv, transposeB);
        if (then == Activation.TANH) {
            y.tanhInPlace();
        } else if (then == Activation.SIGMOID) {
            y.sigmoidInPlace();
        }
        op.saveFor(y, a, b);
        return op.output(y);
    }

    /** Saves y (with an activation), then A if B needs a gradient and B if A does, in the order {@link #aIndex} and {@link #bIndex} say. */
    private void saveFor(Tensor y, Var a, Var b) {
        if (then != Activation.IDENTITY) {
            save(y);
        }
        if (aIndex >= 0) {
            save(a);
        }
        if (bIndex >= 0) {
            save(b);
        }
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor g = grads.output();
        if (then != Activation.IDENTITY) {
            // computed where c's gradient is collected when the engine offers it (a split part):
            // then c's gradient costs no copy
            Tensor into = needsInputGrad(0) && cShape.length == 2 && g.hasShape(cShape)
                    ? grads.destinationInPlace(0) : grads.overwritableOutput();
            g = derivative(g, into);
        }
        if (needsInputGrad(0)) {
            grads.set(0, Add.reduce(g, cShape));
        }
        if (needsInputGrad(1)) {
            Tensor b = saved(bIndex);
            if (!ta) {
                grads.addProduct(1, g, false, b, !tb);   // dA = g · op(B)ᵀ
            } else {
                grads.addProduct(1, b, tb, g, true);     // dA = op(B) · gᵀ
            }
        }
        if (needsInputGrad(2)) {
            Tensor a = saved(aIndex);
            if (!tb) {
                grads.addProduct(2, a, !ta, g, false);   // dB = op(A)ᵀ · g
            } else {
                grads.addProduct(2, g, true, a, ta);     // dB = gᵀ · op(A)
            }
        }
    }

    /** {@code g ⊙ f'(y)} into {@code into} (which may be g itself): the backward of {@link Tanh} or {@link Sigmoid}. */
    private Tensor derivative(Tensor g, Tensor into) {
        return then == Activation.TANH ? Tanh.gradient(saved(0), g, into) : Sigmoid.gradient(saved(0), g, into);
    }
}
