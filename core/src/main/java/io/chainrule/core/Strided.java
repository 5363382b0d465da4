package io.chainrule.core;

/** Copies an arbitrary strided view of a storage array into a contiguous row-major array. */
final class Strided {
    private Strided() {
    }

    /**
     * {@code dst[row-major position of idx] = src[srcOff + sum(idx[d] * srcStrides[d])]} for every
     * index {@code idx} of {@code shape}. Iterative odometer over all but the last dimension.
     */
    static void copy(double[] src, int srcOff, int[] srcStrides, int[] shape, double[] dst) {
        int r = shape.length;
        int total = Shape.size(shape);
        if (total == 0) {
            return;
        }
        if (r == 0) {
            dst[0] = src[srcOff];
            return;
        }
        int last = shape[r - 1];
        int lastStride = srcStrides[r - 1];
        int[] idx = new int[r];
        int base = srcOff;
        int out = 0;
        while (out < total) {
            if (lastStride == 1) {
                System.arraycopy(src, base, dst, out, last);
            } else {
                for (int j = 0, s = base; j < last; j++, s += lastStride) {
                    dst[out + j] = src[s];
                }
            }
            out += last;
            // advance the odometer over dimensions r-2 .. 0
            for (int d = r - 2; d >= 0; d--) {
                idx[d]++;
                base += srcStrides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                base -= srcStrides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }
}
