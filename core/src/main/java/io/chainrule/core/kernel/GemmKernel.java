package io.chainrule.core.kernel;

/**
 * One implementation of the general matrix product on row-major {@code double[]} or {@code float[]}
 * storage.
 *
 * <p>Computes {@code C = op(A) · op(B)} (or {@code C += op(A) · op(B)} when {@code accumulate}),
 * where {@code op(A)} is {@code m × k} and {@code op(B)} is {@code k × n}. When {@code transA} is
 * set, A is stored as {@code k × m} (row {@code p} holds column {@code p} of op(A)); likewise B is
 * stored as {@code n × k} when {@code transB} is set. Leading dimensions ({@code lda}, {@code ldb},
 * {@code ldc}) are the distances in elements between consecutive stored rows.
 *
 * <p>Contract shared by every implementation: the result of each element of C is a function of
 * its inputs alone, computed in an order fixed by {@code k} (never by the number of threads or the
 * position of the element in a partition), so results are bitwise reproducible run to run.
 * Only C is modified.
 */
public interface GemmKernel {

    /**
     * {@code C = op(A) · op(B)}, or {@code C += op(A) · op(B)} when {@code accumulate}; see the
     * interface comment. C must not overlap A or B.
     *
     * @throws IllegalArgumentException naming the values, when a size is negative, a leading
     *         dimension is smaller than the stored row it spans, an offset is negative or an array is
     *         too short for the matrix it holds
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              double[] a, int aOff, int lda,
              double[] b, int bOff, int ldb,
              double[] c, int cOff, int ldc,
              boolean accumulate);

    /**
     * {@code C = Σ_p A_pᵀ · B_p} (or {@code C +=} when {@code accumulate}) over rows gathered from
     * where they lie: C is {@code m × n}, row {@code p} of A is {@code a[aRows[p] .. aRows[p]+m)}
     * and row {@code p} of B is {@code b[bRows[p] .. bRows[p]+n)}, for {@code p = 0 .. k-1}.
     * Bitwise {@code gemm(true, false, m, n, k, ...)} on those rows copied one under the other (the
     * same chain of fused multiply-adds, in increasing {@code p}), without the copies. This default
     * makes the copies.
     *
     * @throws IllegalArgumentException naming the values, when a size is negative, fewer than k
     *         row offsets are given, or a row does not lie within its array
     */
    default void gemmGatheredRows(int m, int n, int k, double[] a, int[] aRows, double[] b, int[] bRows,
                                  double[] c, int cOff, int ldc, boolean accumulate) {
        GemmArguments.checkGathered(m, n, k, a, aRows, b, bRows, c, cOff, ldc);
        double[] ga = new double[k * m];
        double[] gb = new double[k * n];
        for (int p = 0; p < k; p++) {
            System.arraycopy(a, aRows[p], ga, p * m, m);
            System.arraycopy(b, bRows[p], gb, p * n, n);
        }
        gemm(true, false, m, n, k, ga, 0, Math.max(1, m), gb, 0, Math.max(1, n), c, cOff, ldc, accumulate);
    }

    /**
     * The float32 product: as {@link #gemm(boolean, boolean, int, int, int, double[], int, int,
     * double[], int, int, double[], int, int, boolean) gemm} on doubles, each element one chain of
     * float fused multiply-adds ({@code Math.fma} on floats) in increasing {@code p}, from
     * {@code +0.0f} or the old value of C. Every implementation gives the same bits.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc,
              boolean accumulate);

    /** {@link #gemmGatheredRows(int, int, int, double[], int[], double[], int[], double[], int, int, boolean)} on floats. */
    default void gemmGatheredRows(int m, int n, int k, float[] a, int[] aRows, float[] b, int[] bRows,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
        GemmArguments.checkGathered(m, n, k, a, aRows, b, bRows, c, cOff, ldc);
        float[] ga = new float[k * m];
        float[] gb = new float[k * n];
        for (int p = 0; p < k; p++) {
            System.arraycopy(a, aRows[p], ga, p * m, m);
            System.arraycopy(b, bRows[p], gb, p * n, n);
        }
        gemm(true, false, m, n, k, ga, 0, Math.max(1, m), gb, 0, Math.max(1, n), c, cOff, ldc, accumulate);
    }

    /**
     * Whether {@link #gemmGatheredRows} for an {@code m × n} result is worth calling on rows where
     * they lie rather than on rows copied together first: true when the kernel would pack both
     * factors of such a product anyway. False by default (the default gathers by copying).
     */
    default boolean gathersInPlace(int m, int n) {
        return false;
    }

    /** A short name for reports ("vector", "scalar"). */
    String name();
}
