package io.chainrule.core.kernel;

/** The argument checks shared by every {@link GemmKernel}: sizes, leading dimensions and array bounds. */
final class GemmArguments {
    private GemmArguments() {
    }

    /**
     * Throws {@link IllegalArgumentException}, naming the offending values, unless {@code m, n, k}
     * are non-negative and every element of A, B and C the product touches lies inside its array.
     */
    static void check(boolean transA, boolean transB, int m, int n, int k,
                      double[] a, int aOff, int lda,
                      double[] b, int bOff, int ldb,
                      double[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: sizes must be non-negative, got m=" + m + ", n=" + n + ", k=" + k);
        }
        matrix("A", a, aOff, lda, transA ? k : m, transA ? m : k, transA);
        matrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n, transB);
        matrix("C", c, cOff, ldc, m, n, false);
    }

    /** Checks a stored {@code rows x cols} matrix starting at {@code off} with row distance {@code ld}. */
    private static void matrix(String name, double[] x, int off, int ld, int rows, int cols, boolean transposed) {
        String what = name + (transposed ? " (stored transposed)" : "");
        if (x == null) {
            throw new IllegalArgumentException("gemm: array " + what + " is null");
        }
        if (ld < cols) {
            throw new IllegalArgumentException("gemm: leading dimension of " + what + " is " + ld
                    + ", smaller than its " + cols + " stored columns");
        }
        if (off < 0) {
            throw new IllegalArgumentException("gemm: offset of " + what + " is negative: " + off);
        }
        if (rows > 0 && cols > 0) {
            long end = off + (long) (rows - 1) * ld + cols;
            if (end > x.length) {
                throw new IllegalArgumentException("gemm: " + what + " is " + rows + " x " + cols + " with offset "
                        + off + " and leading dimension " + ld + ", which needs " + end
                        + " elements, but its array holds " + x.length);
            }
        }
    }
}
