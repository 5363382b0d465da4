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
        check(transA, transB, m, n, k, length(a), aOff, lda, length(b), bOff, ldb, length(c), cOff, ldc);
    }

    /** {@link #check} for float arrays. */
    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, length(a), aOff, lda, length(b), bOff, ldb, length(c), cOff, ldc);
    }

    /** The checks on array lengths (-1 for a null array). */
    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              int a, int aOff, int lda, int b, int bOff, int ldb, int c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: sizes must be non-negative, got m=" + m + ", n=" + n + ", k=" + k);
        }
        matrix("A", a, aOff, lda, transA ? k : m, transA ? m : k, transA);
        matrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n, transB);
        matrix("C", c, cOff, ldc, m, n, false);
    }

    private static int length(double[] x) {
        return x == null ? -1 : x.length;
    }

    private static int length(float[] x) {
        return x == null ? -1 : x.length;
    }

    /** The checks of {@link GemmKernel#gemmGatheredRows}: sizes, at least k row offsets, every row inside its array, and C. */
    static void checkGathered(int m, int n, int k, double[] a, int[] aRows, double[] b, int[] bRows,
                              double[] c, int cOff, int ldc) {
        checkGathered(m, n, k, length(a), aRows, length(b), bRows, length(c), cOff, ldc);
    }

    /** {@link #checkGathered} for float arrays. */
    static void checkGathered(int m, int n, int k, float[] a, int[] aRows, float[] b, int[] bRows,
                              float[] c, int cOff, int ldc) {
        checkGathered(m, n, k, length(a), aRows, length(b), bRows, length(c), cOff, ldc);
    }

    private static void checkGathered(int m, int n, int k, int a, int[] aRows, int b, int[] bRows,
                                      int c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: sizes must be non-negative, got m=" + m + ", n=" + n + ", k=" + k);
        }
        rows("A", a, aRows, k, m);
        rows("B", b, bRows, k, n);
        matrix("C", c, cOff, ldc, m, n, false);
    }

    /** Checks that {@code k} rows of {@code width} elements start at {@code starts[0..k)} inside {@code x}. */
    private static void rows(String name, int x, int[] starts, int k, int width) {
        if (x < 0 || starts == null) {
            throw new IllegalArgumentException("gemm: " + (x < 0 ? "array " : "row offsets of ") + name + " are null");
        }
        if (starts.length < k) {
            throw new IllegalArgumentException("gemm: " + k + " gathered rows of " + name + " need " + k
                    + " row offsets, got " + starts.length);
        }
        for (int p = 0; p < k; p++) {
            if (starts[p] < 0 || (long) starts[p] + width > x) {
                throw new IllegalArgumentException("gemm: gathered row " + p + " of " + name + " starts at " + starts[p]
                        + " and holds " + width + " elements, but its array holds " + x);
            }
        }
    }

    /** Checks a stored {@code rows x cols} matrix starting at {@code off} with row distance {@code ld}. */
    private static void matrix(String name, int x, int off, int ld, int rows, int cols, boolean transposed) {
        if (x < 0 || ld < cols || off < 0 || (rows > 0 && cols > 0 && off + (long) (rows - 1) * ld + cols > x)) {
            throw new IllegalArgumentException(problem(name, x, off, ld, rows, cols, transposed));
        }
    }

    /** The message for a matrix {@link #matrix} rejects (built only then: the check runs on every product). */
    private static String problem(String name, int x, int off, int ld, int rows, int cols, boolean transposed) {
        String what = name + (transposed ? " (stored transposed)" : "");
        if (x < 0) {
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
                + ", which needs " + end + " elements, but its array holds " + x;
    }
}
