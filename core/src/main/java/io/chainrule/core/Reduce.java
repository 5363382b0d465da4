package io.chainrule.core;

import io.chainrule.core.kernel.Kernels;

import java.util.Arrays;

/**
 * Reductions (sum, mean, max, min) over a set of axes. Each output element folds its terms in
 * row-major order of the input: a sum is the left fold of its terms (an empty sum is +0.0), a mean
 * is that sum divided by the number of terms; max and min fold {@link Math#max} and
 * {@link Math#min} (NaN wins, +0.0 is above -0.0), the rules of {@link Tensor#maximum} and
 * {@link Tensor#maxValue}.
 */
final class Reduce {
    private Reduce() {
    }

    enum Op { SUM, MEAN, MAX, MIN }

    static Tensor apply(Tensor t, int[] axes, boolean keepDims, Op op) {
        int[] shape = t.shape();
        int r = shape.length;
        if (axes == null) {
            throw new IllegalArgumentException("axes must not be null");
        }
        boolean[] reduced = new boolean[r];
        for (int ax : axes) {
            int a;
            try {
                a = Shape.axis(ax, r);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op.name().toLowerCase() + " over axes " + Arrays.toString(axes)
                        + " of shape " + Shape.format(shape) + ": " + e.getMessage(), e);
            }
            if (reduced[a]) {
                throw new IllegalArgumentException(op.name().toLowerCase() + " over axes " + Arrays.toString(axes)
                        + " of shape " + Shape.format(shape) + ": axis " + ax + " repeated");
            }
            reduced[a] = true;
        }
        int[] kept = new int[r];
        int count = 1;
        for (int i = 0; i < r; i++) {
            kept[i] = reduced[i] ? 1 : shape[i];
            if (reduced[i]) {
                count *= shape[i];
            }
        }
        if (count == 0 && (op == Op.MAX || op == Op.MIN || op == Op.MEAN)) {
            throw new IllegalArgumentException(op.name().toLowerCase() + " over an empty axis of shape "
                    + Shape.format(shape));
        }
        int outSize = Shape.size(kept);
        double[] d = new double[outSize];
        // Sums start from -0.0, the exact identity of IEEE addition (-0.0 + x == x for every x,
        // while 0.0 + -0.0 == 0.0), so a sum of one term is that term; a sum of none is +0.0.
        double init = op == Op.MAX ? Double.NEGATIVE_INFINITY : op == Op.MIN ? Double.POSITIVE_INFINITY
                : count == 0 ? 0.0 : -0.0;
        Arrays.fill(d, init);
        // output strides with 0 along reduced axes, then walk the input in row-major order.
        int[] outStrides = Shape.strides(kept);
        for (int i = 0; i < r; i++) {
            if (reduced[i]) {
                outStrides[i] = 0;
            }
        }
        double[] src = t.array();
        int off = t.offset();
        int n = t.size();
        boolean rowsIntoOne = (op == Op.SUM || op == Op.MEAN) && r >= 2 && !reduced[r - 1] && outSize == shape[r - 1];
        if (rowsIntoOne && n > 0) {
            sumRows(src, off, n / outSize, outSize, d);
        } else if (r > 0 && n > 0) {
            int last = shape[r - 1];
            int lastStride = outStrides[r - 1];
            int[] idx = new int[r];
            int po = 0;
            boolean sum = op == Op.SUM || op == Op.MEAN;
            for (int pos = 0; pos < n; pos += last) {
                if (sum && lastStride == 1) {
                    // the last axis kept (a bias gradient: rows summed into one): element-wise adds
                    for (int j = 0; j < last; j++) {
                        d[po + j] += src[off + pos + j];
                    }
                } else if (sum && lastStride == 0) {
                    // the last axis reduced: one running sum, in the same order
                    double acc = d[po];
                    for (int j = 0; j < last; j++) {
                        acc += src[off + pos + j];
                    }
                    d[po] = acc;
                } else {
                    for (int j = 0; j < last; j++) {
                        double v = src[off + pos + j];
                        int o = po + j * lastStride;
                        switch (op) {
                            case SUM:
                            case MEAN:
                                d[o] += v;
                                break;
                            case MAX:
                                d[o] = Math.max(d[o], v);
                                break;
                            default:
                                d[o] = Math.min(d[o], v);
                        }
                    }
                }
                for (int k = r - 2; k >= 0; k--) {
                    idx[k]++;
                    po += outStrides[k];
                    if (idx[k] < shape[k]) {
                        break;
                    }
                    po -= outStrides[k] * shape[k];
                    idx[k] = 0;
                }
            }
        } else if (r == 0) {
            d[0] = src[off];
        }
        if (op == Op.MEAN) {
            for (int i = 0; i < outSize; i++) {
                d[i] /= count;
            }
        }
        int[] outShape = kept;
        if (!keepDims) {
            int m = 0;
            for (int i = 0; i < r; i++) {
                if (!reduced[i]) {
                    m++;
                }
            }
            outShape = new int[m];
            for (int i = 0, j = 0; i < r; i++) {
                if (!reduced[i]) {
                    outShape[j++] = shape[i];
                }
            }
        }
        return Tensor.wrap(d, outShape);
    }

    /** Rows of the bias gradient folded at a time by one product with a row of ones. */
    private static final int ROW_CHUNK = 1024;
    private static final double[] ONES = filledWithOnes(ROW_CHUNK);

    private static double[] filledWithOnes(int n) {
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        return ones;
    }

    /**
     * {@code d[j] += Σ_i src[off + i*cols + j]} over {@code rows} rows, in increasing i: the sum of
     * the rows of a matrix into one (a bias gradient), as the product {@code 1ᵀ · X} accumulated
     * into d. Each element of the kernel's chain is {@code fma(1.0, x, acc)}, which rounds exactly
     * as {@code acc + x}, so this is bitwise the row-major left fold, done a vector of columns at a
     * time.
     */
    private static void sumRows(double[] src, int off, int rows, int cols, double[] d) {
        for (int i = 0; i < rows; i += ROW_CHUNK) {
            int k = Math.min(ROW_CHUNK, rows - i);
            Kernels.gemm().gemm(false, false, 1, cols, k, ONES, 0, k, src, off + i * cols, cols, d, 0, cols, true);
        }
    }
}
