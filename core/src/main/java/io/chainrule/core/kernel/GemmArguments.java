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
        if (x == null || ld < cols || off < 0 || (rows > 0 && cols > 0 && off + (long) (rows - 1) * ld + cols > x.length)) {
            throw new IllegalArgumentException(problem(name, x, off, ld, rows, cols, transposed));
        }
    }

    /** The message for a matrix {@link #matrix} rejects (built only then: the check runs on every product). */
    private static String problem(String name, double[] x, int off, int ld, int rows, int cols, boolean transposed) {
        String what = name + (transposed ? " (stored transposed)" : "");
        if (x == null) {
            return "gemm: array " + what + " is null";
        }
        if (ld < cols) {
            return "gemm: leading dimension of " + what + " is " + ld + ", smaller than its " + cols + " stored columns";
        }
        if (off < 0) {
            return "gemm: offset of " + what + " is negative: " + off;
        }
        long end = off + (long) (rows - 1) * ld + cols;
        return "gemm: " + what + " is " + rows + " x " + cols + " with offset " + off + " and leading dimension " + ld
                + ", which needs " + end + " elements, but its array holds " + x.length;
    }
}
