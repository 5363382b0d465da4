package io.chainrule.core;

import java.util.Arrays;

/**
 * Static functions on shapes ({@code int[]}, outermost dimension first, row-major layout).
 *
 * <p>Broadcasting follows NumPy: shapes are aligned on their last dimension; two dimensions are
 * compatible when they are equal or one of them is 1; a missing leading dimension counts as 1.
 */
public final class Shape {
    private Shape() {
    }

    /** Number of elements of a shape (1 for the scalar shape {@code []}). */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + format(shape) + " has more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) n;
    }

    /** Checks every dimension is non-negative and returns a defensive copy. */
    public static int[] checked(int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + format(shape) + " has a negative dimension");
            }
        }
        int[] copy = shape.clone();
        size(copy);
        return copy;
    }

    /** Row-major strides (in elements) of a contiguous tensor of this shape. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** The broadcast shape of {@code a} and {@code b}, or an error naming both shapes. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else {
                throw new IllegalArgumentException("shapes " + format(a) + " and " + format(b)
                        + " cannot be broadcast together (dimension " + i + ": " + da + " vs " + db + ")");
            }
        }
        return out;
    }

    /** True if {@code from} broadcasts to exactly {@code to}. */
    public static boolean broadcastsTo(int[] from, int[] to) {
        if (from.length > to.length) {
            return false;
        }
        int lead = to.length - from.length;
        for (int i = 0; i < from.length; i++) {
            if (from[i] != to[lead + i] && from[i] != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Strides of {@code shape} seen through broadcasting to {@code target}: 0 along dimensions
     * that are broadcast (missing or of size 1 where the target is larger).
     */
    public static int[] broadcastStrides(int[] shape, int[] target) {
        int[] own = strides(shape);
        int[] s = new int[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            if (i < lead) {
                s[i] = 0;
            } else {
                int d = shape[i - lead];
                s[i] = (d == 1 && target[i] != 1) ? 0 : own[i - lead];
            }
        }
        return s;
    }

    /** Normalizes an axis that may be negative (counting from the end); names the rank on error. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /** Normalizes an axis of {@code shape} that may be negative; names the shape on error. */
    public static int axis(int axis, int[] shape) {
        int r = shape.length;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + format(shape)
                    + " (rank " + r + ")");
        }
        return a;
    }

    /** Human-readable shape, e.g. {@code [32, 256]}. */
    public static String format(int[] shape) {
        return Arrays.toString(shape);
    }
}
