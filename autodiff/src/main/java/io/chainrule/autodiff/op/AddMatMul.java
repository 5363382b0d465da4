package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Backward;
import io.chainrule.autodiff.Node;
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
 */
public final class AddMatMul extends Node {
    private final boolean ta;
    private final boolean tb;
    private final int aIndex;
    private final int bIndex;
    private final int[] cShape;

    private AddMatMul(Var c, Var a, boolean ta, Var b, boolean tb) {
        super("addmm", c, a, b);
        this.cShape = c.shape();
        this.ta = ta;
        this.tb = tb;
        int next = 0;
        int ai = -1;
        int bi = -1;
        if (needsInputGrad(2)) {
            save(a);
            ai = next++;
        }
        if (needsInputGrad(1)) {
            save(b);
            bi = next;
        }
        this.aIndex = ai;
        this.bIndex = bi;
    }

    public static Var apply(Var c, Var a, boolean transposeA, Var b, boolean transposeB) {
        Tensor cv = c.value();
        Tensor av = a.value();
        Tensor bv = b.value();
        if (av.rank() != 2 || bv.rank() != 2) {
            throw new IllegalArgumentException("addmm needs matrices, got shapes " + Shape.format(av.shape())
                    + (transposeA ? "ᵀ" : "") + " and " + Shape.format(bv.shape()) + (transposeB ? "ᵀ" : ""));
        }
        int m = transposeA ? av.dim(1) : av.dim(0);
        int n = transposeB ? bv.dim(0) : bv.dim(1);
        boolean rowBias = cv.hasShape(n) || cv.hasShape(1, n);
        if (!rowBias && !cv.hasShape(m, n)) {
            // let matmul name the operands if they do not fit, then name c against the product
            av.matmul(transposeA, bv, transposeB);
            throw new IllegalArgumentException("addmm: c of shape " + Shape.format(cv.shape())
                    + " is neither [" + n + "] nor the shape of the product of " + Shape.format(av.shape()) + (transposeA ? "ᵀ" : "") + " and "
                    + Shape.format(bv.shape()) + (transposeB ? "ᵀ" : "") + ", of shape [" + m + ", " + n + "]");
        }
        Tensor y = (rowBias ? cv.broadcastTo(m, n) : cv.copy()).addMatMulInPlace(av, transposeA, bv, transposeB);
        Anomaly.checkForward("addmm", y);
        return recording(c, a, b) ? new AddMatMul(c, a, transposeA, b, transposeB).output(y) : Var.constant(y);
    }

    @Override
    protected void run(Tensor[] gradOutputs, Backward engine) {
        Tensor g = gradOutputs[0];
        if (needsInputGrad(0)) {
            deliverGradient(engine, 0, Add.reduce(g, cShape));
        }
        if (needsInputGrad(1)) {
            Tensor b = saved(bIndex);
            if (!ta) {
                deliverProduct(engine, 1, g, false, b, !tb);   // dA = g · op(B)ᵀ
            } else {
                deliverProduct(engine, 1, b, tb, g, true);     // dA = op(B) · gᵀ
            }
        }
        if (needsInputGrad(2)) {
            Tensor a = saved(aIndex);
            if (!tb) {
                deliverProduct(engine, 2, a, !ta, g, false);   // dB = op(A)ᵀ · g
            } else {
                deliverProduct(engine, 2, g, true, a, ta);     // dB = gᵀ · op(A)
            }
        }
    }
}
