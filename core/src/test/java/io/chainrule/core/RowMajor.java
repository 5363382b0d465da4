package io.chainrule.core;

/**
 * Row-major index arithmetic written out independently of the main code, so that tests can state
 * what an operation should do element by element.
 */
final class RowMajor {
    private RowMajor() {
    }

    /** Product of the dimensions (1 for the scalar shape). */
    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The multi-index of row-major position {@code flat} in {@code shape}. */
    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** The row-major position of multi-index {@code idx} in {@code shape}. */
    static int ravel(int[] idx, int[] shape) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat = flat * shape[d] + idx[d];
        }
        return flat;
    }

    /**
     * The NumPy broadcast shape of {@code a} and {@code b}, or null if they do not broadcast:
     * align on the last dimension, a missing dimension counts as 1, sizes must be equal or 1.
     */
    static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 1; i <= r; i++) {
            int da = i <= a.length ? a[a.length - i] : 1;
            int db = i <= b.length ? b[b.length - i] : 1;
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[r - i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * The index into {@code shape} that broadcasting maps output index {@code outIdx} to: leading
     * output dimensions are dropped and dimensions of size 1 read position 0.
     */
    static int[] sourceIndex(int[] outIdx, int[] shape) {
        int lead = outIdx.length - shape.length;
        int[] idx = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            idx[d] = shape[d] == 1 ? 0 : outIdx[lead + d];
        }
        return idx;
    }
}
