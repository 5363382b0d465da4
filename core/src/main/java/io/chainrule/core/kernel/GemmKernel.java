package io.chainrule.core.kernel;

/**
 * One implementation of the general matrix product on row-major {@code double[]} storage.
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

    /** A short name for reports ("vector", "scalar"). */
    String name();
}
