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
        double[] c = new double[batchCount * m * n];
        GemmKernel kernel = Kernels.gemm();
        int lda = a2[ra - 1];
        int ldb = b2[rb - 1];
        if (batchCount == 1 || (aBatch.length == 0 && bBatch.length == 0)) {
            kernel.gemm(ta, tb, m, n, k, a.array(), a.offset(), lda, b.array(), b.offset(), ldb, c, 0, n, false);
        } else if (bBatch.length == 0 && !ta) {
            // a batch of matrices times one matrix: one tall product
            kernel.gemm(false, tb, batchCount * m, n, k, a.array(), a.offset(), lda, b.array(), b.offset(), ldb,
                    c, 0, n, false);
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
                kernel.gemm(ta, tb, m, n, k, a.array(), a.offset() + pa * aMat, lda,
                        b.array(), b.offset() + pb * bMat, ldb, c, t * m * n, n, false);
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
        return Tensor.wrap(c, out);
    }
}
