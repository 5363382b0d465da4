package io.chainrule.core.kernel;

/**
 * The portable matrix product: plain Java loops, used when the JVM was started without the
 * {@code jdk.incubator.vector} module (or with {@code -Dchainrule.kernels=scalar}).
 *
 * <p>Loop order is chosen per transposition so the innermost loop walks memory contiguously.
 * Each element of C accumulates its products in increasing {@code p} (the k index), so results do
 * not depend on how rows are split between threads.
 */
public final class ScalarGemm implements GemmKernel {
    /** Obtained from {@link Kernels} (and made directly by the kernel tests). */
    ScalarGemm() {
    }


    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double[] a, int aOff, int lda,
                     double[] b, int bOff, int ldb,
                     double[] c, int cOff, int ldc,
                     boolean accumulate) {
        GemmArguments.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
            }
        }
        if (!transB) {
            // C[i,:] += A[i,p] * B[p,:]  (axpy over contiguous rows of B and C)
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                    }
                }
            }
        } else {
            // C[i,j] += dot(A[i,:], B[j,:]); B rows are contiguous.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    double s = c[ci + j];
                    if (transA) {
                        for (int p = 0; p < k; p++) {
                            s = Math.fma(a[aOff + p * lda + i], b[bj + p], s);
                        }
                    } else {
                        int ai = aOff + i * lda;
                        for (int p = 0; p < k; p++) {
                            s = Math.fma(a[ai + p], b[bj + p], s);
                        }
                    }
                    c[ci + j] = s;
                }
            }
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        GemmArguments.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0f);
            }
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!transB) {
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                    }
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = c[ci + j];
                    for (int p = 0; p < k; p++) {
                        s = Math.fma(transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p], b[bj + p], s);
                    }
                    c[ci + j] = s;
                }
            }
        }
    }
}
