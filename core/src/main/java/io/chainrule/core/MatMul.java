package io.chainrule.core;

import io.chainrule.core.kernel.GemmKernel;
import io.chainrule.core.kernel.Kernels;

import java.util.Arrays;

/** Shape rules of {@link Tensor#matmul} and dispatch to the matrix-product kernel. */
final class MatMul {
    private MatMul() {
    }

    static Tensor matmul(Tensor a, boolean ta, Tensor b, boolean tb) {
        if (b == null) {
            throw new IllegalArgumentException("matmul: the right operand is null");
        }
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length == 0 || bs.length == 0) {
            throw new IllegalArgumentException("matmul needs operands of rank >= 1, got shapes " + Shape.format(as)
                    + " and " + Shape.format(bs) + " (use mul to scale by a scalar)");
        }
        if ((ta && as.length < 2) || (tb && bs.length < 2)) {
            throw new IllegalArgumentException("matmul with a transposed operand needs rank >= 2, got shapes "
                    + Shape.format(as) + (ta ? "ᵀ" : "") + " and " + Shape.format(bs) + (tb ? "ᵀ" : ""));
        }
        boolean aVec = as.length == 1;
        boolean bVec = bs.length == 1;
        int[] a2 = aVec ? new int[] {1, as[0]} : as;
        int[] b2 = bVec ? new int[] {bs[0], 1} : bs;
        int ra = a2.length;
        int rb = b2.length;
        int m = ta ? a2[ra - 1] : a2[ra - 2];
        int ka = ta ? a2[ra - 2] : a2[ra - 1];
        int kb = tb ? b2[rb - 1] : b2[rb - 2];
        int n = tb ? b2[rb - 2] : b2[rb - 1];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.format(as) + (ta ? "ᵀ" : "") + " and "
                    + Shape.format(bs) + (tb ? "ᵀ" : "") + " do not fit (inner dimensions " + ka + " and " + kb + ")");
        }
        int k = ka;
        int[] aBatch = Arrays.copyOf(a2, ra - 2);
        int[] bBatch = Arrays.copyOf(b2, rb - 2);
        int[] batch;
        try {
            batch = Shape.broadcast(aBatch, bBatch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch dimensions of shapes " + Shape.format(as) + " and "
                    + Shape.format(bs) + " do not broadcast", e);
        }
        int batchCount = Shape.size(batch);
        boolean f32 = a.dtype() == DType.FLOAT32;
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("matmul: a " + a.dtype() + " tensor of shape " + Shape.format(as)
                    + " and a " + b.dtype() + " tensor of shape " + Shape.format(bs) + " do not mix; cast one");
        }
        Product p = new Product(Kernels.gemm(), a, b, f32 ? null : new double[batchCount * m * n],
                f32 ? new float[batchCount * m * n] : null);
        int lda = a2[ra - 1];
        int ldb = b2[rb - 1];
        if (batchCount == 1 || (aBatch.length == 0 && bBatch.length == 0)) {
            p.gemm(ta, tb, m, n, k, a.offset(), lda, b.offset(), ldb, 0, n);
        } else if (bBatch.length == 0 && !ta) {
            // a batch of matrices times one matrix: one tall product
            p.gemm(false, tb, batchCount * m, n, k, a.offset(), lda, b.offset(), ldb, 0, n);
        } else {
            int[] sa = Shape.broadcastStrides(aBatch, batch);
            int[] sb = Shape.broadcastStrides(bBatch, batch);
            int aMat = m * k;
            int bMat = k * n;
            int[] idx = new int[batch.length];
            for (int t = 0; t < batchCount; t++) {
                int pa = 0;
                int pb = 0;
                int rem = t;
                for (int d = batch.length - 1; d >= 0; d--) {
                    idx[d] = rem % batch[d];
                    rem /= batch[d];
                    pa += idx[d] * sa[d];
                    pb += idx[d] * sb[d];
                }
                p.gemm(ta, tb, m, n, k, a.offset() + pa * aMat, lda, b.offset() + pb * bMat, ldb, t * m * n, n);
            }
        }
        int[] out;
        if (aVec && bVec) {
            out = new int[0];
        } else if (aVec) {
            out = Arrays.copyOf(batch, batch.length + 1);
            out[batch.length] = n;
        } else if (bVec) {
            out = Arrays.copyOf(batch, batch.length + 1);
            out[batch.length] = m;
        } else {
            out = Arrays.copyOf(batch, batch.length + 2);
            out[batch.length] = m;
            out[batch.length + 1] = n;
        }
        return f32 ? Tensor.wrap(p.cf, out) : Tensor.wrap(p.c, out);
    }

    /** The kernel on the two operands' storage, into C of their dtype. */
    private static final class Product {
        final GemmKernel kernel;
        final Tensor a;
        final Tensor b;
        final double[] c;
        final float[] cf;

        Product(GemmKernel kernel, Tensor a, Tensor b, double[] c, float[] cf) {
            this.kernel = kernel;
            this.a = a;
            this.b = b;
            this.c = c;
            this.cf = cf;
        }

        void gemm(boolean ta, boolean tb, int m, int n, int k, int aOff, int lda, int bOff, int ldb, int cOff, int ldc) {
            if (cf != null) {
                kernel.gemm(ta, tb, m, n, k, a.floatArray(), aOff, lda, b.floatArray(), bOff, ldb, cf, cOff, ldc, false);
            } else {
                kernel.gemm(ta, tb, m, n, k, a.array(), aOff, lda, b.array(), bOff, ldb, c, cOff, ldc, false);
            }
        }
    }
}
