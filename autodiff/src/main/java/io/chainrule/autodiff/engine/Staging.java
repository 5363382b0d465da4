package io.chainrule.autodiff.engine;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.core.kernel.GemmKernel;
import io.chainrule.core.kernel.Kernels;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Weight-gradient staging: the products {@code aᵀ·b} delivered to one parameter during a pass are
 * collected, their rows one under the other, and multiplied into the parameter's gradient
 * {@link #ROWS} rows at a time: {@code Σ aᵢᵀ·bᵢ} is then one product with {@code k = Σ kᵢ}.
 * Added to a gradient in place, that is bitwise the same as adding the products one by one (the
 * kernel continues one chain of fused multiply-adds over k, in the order the rows arrived), but a
 * recurrent layer's weight gradient is then updated once every 8 steps instead of every step: a
 * product with k = 32 reads and writes all of dW for little arithmetic.
 *
 * <p>Rows that will not change before the product is made are not copied: the kernel reads them
 * where they lie ({@link GemmKernel#gemmGatheredRows}). The walk says which rows qualify, and
 * {@linkplain #flushReading multiplies out} the rows read from an array before anything writes
 * to it. A parameter's staged rows are also multiplied out before any other contribution reaches
 * its gradient ({@link #flush}), so the order of additions is the order of arrival.
 */
final class Staging {
    /** Rows a parameter collects before they are multiplied out: one block of the gemm kernel, 8 steps of a batch-32 layer. */
    static final int ROWS = 256;

    private final Map<Vertex, Staged> staged = new IdentityHashMap<>();
    private final BufferPool pool;
    /** Whether some staged rows were read in place; until then no write needs a flush. */
    private boolean readingInPlace;

    Staging(BufferPool pool) {
        this.pool = pool;
    }

    /** One parameter's staged products. */
    private static final class Staged {
        final int m;
        final int n;
        final DType dtype;
        final Side a;
        final Side b;
        int rows;

        Staged(int m, int n, DType dtype) {
            this.m = m;
            this.n = n;
            this.dtype = dtype;
            this.a = new Side(m);
            this.b = new Side(n);
        }
    }

    /** One factor's staged rows: row p is {@code source[at[p] .. at[p] + width)}. */
    private static final class Side {
        final int width;
        final int[] at = new int[ROWS];
        /** The array the rows lie in (double[] or float[], the parameter's dtype): {@link #copies}, or an array they are read from in place. */
        Object source;
        /** The rows copied here (a kept array of the parameter's dtype, taken when first needed). */
        Object copies;

        Side(int width) {
            this.width = width;
        }

        boolean readsInPlace(Object array) {
            return source == array && source != copies;
        }
    }

    /** Whether a product {@code op(a)·op(b)} with k rows can be staged: {@code aᵀ·b} of at most {@link #ROWS} rows. */
    static boolean stageable(boolean ta, boolean tb, int k) {
        return ta && !tb && k <= ROWS;
    }

    /** Whether the kernel would read rows of an {@code [·, m]ᵀ·[·, n]} product in place. */
    static boolean gathersInPlace(int m, int n) {
        return Kernels.gemm().gathersInPlace(m, n);
    }

    /**
     * Adds {@code aᵀ·b} ([k, m]ᵀ·[k, n]) to {@code leaf}'s staged rows (multiplying out the staged
     * ones first if they would overflow); {@code aStays}/{@code bStays} say whether that factor's
     * rows stay unchanged until multiplied out, so that they may be read in place.
     */
    void stage(Vertex leaf, Tensor a, Tensor b, boolean aStays, boolean bStays) {
        int k = a.dim(0);
        Staged st = staged.get(leaf);
        if (st != null && st.rows + k > ROWS) {
            flush(leaf);
        }
        if (st == null) {
            st = new Staged(a.dim(1), b.dim(1), a.dtype());
            staged.put(leaf, st);
        }
        stageRows(st.a, st.rows, a, k, aStays);
        stageRows(st.b, st.rows, b, k, bStays);
        st.rows += k;
    }

    /** Appends the k rows of {@code x} to {@code side} from row {@code row0}: in place when they stay unchanged and lie with the rows before, else copied. */
    private void stageRows(Side side, int row0, Tensor x, int k, boolean stays) {
        boolean floats = x.dtype() == DType.FLOAT32;
        Object array = floats ? x.floatArray() : x.array();
        int w = side.width;
        if (stays && (row0 == 0 || side.readsInPlace(array))) {
            side.source = array;
            for (int r = 0; r < k; r++) {
                side.at[row0 + r] = x.offset() + r * w;
            }
            readingInPlace = true;
            return;
        }
        if (side.copies == null) {
            if (floats) {
                float[] kept = pool.takeFloats(ROWS * w);
                side.copies = kept != null ? kept : new float[ROWS * w];
            } else {
                side.copies = pool.takeOrNew(ROWS * w);
            }
        }
        if (row0 > 0 && side.source != side.copies) {
            // the rows so far were read in place: copy them over first
            for (int p = 0; p < row0; p++) {
                System.arraycopy(side.source, side.at[p], side.copies, p * w, w);
                side.at[p] = p * w;
            }
        }
        side.source = side.copies;
        System.arraycopy(array, x.offset(), side.copies, row0 * w, k * w);
        for (int r = 0; r < k; r++) {
            side.at[row0 + r] = (row0 + r) * w;
        }
    }

    /** Multiplies {@code leaf}'s staged rows into its gradient (call before anything else reaches it). */
    void flush(Vertex leaf) {
        Staged st = staged.get(leaf);
        if (st == null || st.rows == 0) {
            return;
        }
        Tensor grad = leaf.grad();
        boolean fresh = grad == null;
        int cOff = fresh ? 0 : grad.offset();
        GemmKernel gemm = Kernels.gemm();
        boolean copied = st.a.source == st.a.copies && st.b.source == st.b.copies;
        if (st.dtype == DType.FLOAT32) {
            float[] c = fresh ? new float[st.m * st.n] : grad.floatArray();
            float[] a = (float[]) st.a.source;
            float[] b = (float[]) st.b.source;
            if (copied) {
                // all rows copied, one under the other: the plain product, which may read small factors in place
                gemm.gemm(true, false, st.m, st.n, st.rows, a, 0, st.m, b, 0, st.n, c, cOff, st.n, !fresh);
            } else {
                gemm.gemmGatheredRows(st.m, st.n, st.rows, a, st.a.at, b, st.b.at, c, cOff, st.n, !fresh);
            }
            if (fresh) {
                leaf.setGrad(Tensor.wrap(c, st.m, st.n));
            }
        } else {
            double[] c = fresh ? new double[st.m * st.n] : grad.array();
            double[] a = (double[]) st.a.source;
            double[] b = (double[]) st.b.source;
            if (copied) {
                gemm.gemm(true, false, st.m, st.n, st.rows, a, 0, st.m, b, 0, st.n, c, cOff, st.n, !fresh);
            } else {
                gemm.gemmGatheredRows(st.m, st.n, st.rows, a, st.a.at, b, st.b.at, c, cOff, st.n, !fresh);
            }
            if (fresh) {
                leaf.setGrad(Tensor.wrap(c, st.m, st.n));
            }
        }
        if (!fresh) {
            grad.markWritten();
        }
        st.rows = 0;
        st.a.source = null;
        st.b.source = null;
    }

    /** Multiplies out the staged rows that are read in place from {@code array}: it is about to change. */
    void flushReading(Object array) {
        if (!readingInPlace) {
            return;
        }
        for (Map.Entry<Vertex, Staged> e : staged.entrySet()) {
            Staged st = e.getValue();
            if (st.rows > 0 && (st.a.readsInPlace(array) || st.b.readsInPlace(array))) {
                flush(e.getKey());
            }
        }
    }

    /** Multiplies out every parameter's staged rows (the end of the pass) and gives the staging arrays back. */
    void flushAll() {
        for (Vertex leaf : staged.keySet()) {
            flush(leaf);
        }
        forget();
    }

    /** Gives the staging arrays back to the pool (no one else ever holds them) and forgets the staged rows. */
    void forget() {
        for (Staged st : staged.values()) {
            if (st.a.copies != null) {
                pool.keepArray(st.a.copies);
            }
            if (st.b.copies != null) {
                pool.keepArray(st.b.copies);
            }
        }
        staged.clear();
    }
}
