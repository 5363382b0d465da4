package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * The matrix product {@code C = op(A) · op(B)} with NumPy {@code matmul} rules (rank-1 operands
 * are promoted to a row or column and the added axis removed; batch axes broadcast), where op
 * transposes the last two axes when its flag is set, without materializing the transpose.
 *
 * <p>Backward, written with the product itself (for {@code C = A·B}):
 * {@code dA = dC · Bᵀ} and {@code dB = Aᵀ · dC}, each summed over broadcast batch axes; the
 * transposed forms follow by transposing these. Saves B only if A needs a gradient and A only if
 * B does (a data input x in {@code W·x} keeps x, never a copy of W).
 */
public final class MatMul extends Op {
    private final boolean ta;
    private final boolean tb;
    private final int[] aShape;
    private final int[] bShape;
    private final int[] cShape;
    private final int aIndex;
    private final int bIndex;

    private MatMul(Var a, boolean ta, Var b, boolean tb, int[] cShape) {
        super("matmul", a, b);
        this.ta = ta;
        this.tb = tb;
        this.aShape = a.shape();
        this.bShape = b.shape();
        this.cShape = cShape;
        int next = 0;
        int ai = -1;
        int bi = -1;
        if (needsInputGrad(1)) {
            save(a);
            ai = next++;
        }
        if (needsInputGrad(0)) {
            save(b);
            bi = next;
        }
        this.aIndex = ai;
        this.bIndex = bi;
    }

    public static Var apply(Var a, Var b) {
        return apply(a, false, b, false);
    }

    public static Var apply(Var a, boolean transposeA, Var b, boolean transposeB) {
        Tensor c = a.value().matmul(transposeA, b.value(), transposeB);
        return new MatMul(a, transposeA, b, transposeB, c.shape()).output(c);
    }

    /**
     * The matrix case (both operands rank 2) hands each gradient over as a product, so a
     * parameter's gradient is accumulated by the kernel in place (one fused pass, no temporary).
     */
    @Override
    protected void backward(Gradients grads) {
        if (aShape.length != 2 || bShape.length != 2) {
            Tensor[] d = general(grads.output());
            grads.set(0, d[0]);
            grads.set(1, d[1]);
            return;
        }
        Tensor dc = grads.output();
        if (needsInputGrad(0)) {
            Tensor b = saved(bIndex);
            if (!ta) {
                grads.addProduct(0, dc, false, b, !tb);   // dA = dC · op(B)ᵀ
            } else {
                grads.addProduct(0, b, tb, dc, true);     // dA = op(B) · dCᵀ
            }
        }
        if (needsInputGrad(1)) {
            Tensor a = saved(aIndex);
            if (!tb) {
                grads.addProduct(1, a, !ta, dc, false);   // dB = op(A)ᵀ · dC
            } else {
                grads.addProduct(1, dc, true, a, ta);     // dB = dCᵀ · op(A)
            }
        }
    }

    /** Batched and vector operands: both gradients (null where not needed). */
    private Tensor[] general(Tensor g) {
        // Promote rank-1 operands to matrices so one set of rules covers every case.
        boolean aVec = aShape.length == 1;
        boolean bVec = bShape.length == 1;
        Tensor a = aIndex >= 0 ? saved(aIndex) : null;
        Tensor b = bIndex >= 0 ? saved(bIndex) : null;
        if (aVec && a != null) {
            a = a.reshape(1, aShape[0]);
        }
        if (bVec && b != null) {
            b = b.reshape(bShape[0], 1);
        }
        Tensor dc = g;
        if (aVec || bVec) {
            int r = Math.max(aVec ? 2 : aShape.length, bVec ? 2 : bShape.length);
            int[] promoted = new int[r];
            int[] cs = cShape;
            // batch part of c, then the two matrix axes
            int batch = cs.length - (aVec && bVec ? 0 : aVec || bVec ? 1 : 2);
            System.arraycopy(cs, 0, promoted, r - 2 - batch, batch);
            for (int i = 0; i < r - 2 - batch; i++) {
                promoted[i] = 1;
            }
            promoted[r - 2] = aVec ? 1 : (ta ? aShape[aShape.length - 1] : aShape[aShape.length - 2]);
            promoted[r - 1] = bVec ? 1 : (tb ? bShape[bShape.length - 2] : bShape[bShape.length - 1]);
            dc = g.reshape(promoted);
        }
        Tensor da = null;
        Tensor db = null;
        if (needsInputGrad(0)) {
            if (!ta) {
                da = dc.matmul(false, b, !tb);          // dA = dC · op(B)ᵀ
            } else {
                da = b.matmul(tb, dc, true);            // dA = op(B) · dCᵀ
            }
            da = da.sumTo(aVec ? new int[] {1, aShape[0]} : aShape).reshape(aShape);
        }
        if (needsInputGrad(1)) {
            int[] bTarget = bVec ? new int[] {bShape[0], 1} : bShape;
            if (bTarget.length == 2 && dc.rank() > 2 && !ta) {
                // Batched A times one matrix B: fold the batch into the rows, one product.
                int rows = dc.size() / dc.dim(-1);
                Tensor a2 = a.reshape(rows, a.dim(-1));
                Tensor dc2 = dc.reshape(rows, dc.dim(-1));
                db = tb ? dc2.matmul(true, a2, false) : a2.matmul(true, dc2, false);
            } else if (!tb) {
                db = a.matmul(!ta, dc, false);          // dB = op(A)ᵀ · dC
            } else {
                db = dc.matmul(true, a, ta);            // dB = dCᵀ · op(A)
            }
            db = db.sumTo(bTarget).reshape(bShape);
        }
        return new Tensor[] {da, db};
    }
}
