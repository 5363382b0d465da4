package io.chainrule.core.kernel;

import io.chainrule.core.Parallelism;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

/**
 * The fast matrix product, float64 and float32: a packed, register-blocked kernel on the JDK
 * Vector API, split over threads for large products (see {@link GemmKernel} for the contract).
 *
 * <p><b>Order of operations.</b> Every element is computed as one chain of fused multiply-adds in
 * increasing {@code p}: {@code c = fma(op(A)[i,p], op(B)[p,j], c)} for {@code p = 0 .. k-1},
 * starting from {@code +0.0} (or from the old {@code C[i,j]} when accumulating), in the precision
 * of the arrays. That is exactly what {@link ScalarGemm} does, so the two kernels agree bit for
 * bit, on every vector length and for every split of the work between threads. (Cutting p into
 * blocks stores the running sum in C between blocks and loads it back: the same value.)
 *
 * <p><b>Blocking.</b> {@link BlockedProduct} packs the operands into panels and runs register
 * tiles over them ({@link DoubleTiles}, {@link FloatTiles}): 8 rows by 3 vectors on 512-bit
 * vectors (8 x 24 doubles, 8 x 48 floats), 6 by 2 otherwise. Operands that few panels of the
 * other meet are read where they lie. Packing buffers are per thread and reused, and a product on
 * one thread calls its share directly, so the steady state allocates nothing (a split over
 * threads allocates a few small task objects).
 *
 * <p><b>Few rows.</b> With fewer than {@link #FEW_ROWS} rows and B stored as is, padding rows to
 * a tile would waste most of the work, so C is updated row by row with vector
 * {@code C[i,:] = fma(op(A)[i,p], B[p,:], C[i,:])}, reading B once, unpacked.
 *
 * <p><b>Transposed swap.</b> A transposed B wider than op(A) is tall is computed as the
 * transposed product {@code Cᵀ = B · op(A)ᵀ} (from {@link #SWAP_MIN_K} steps on), so that the
 * packing copies op(A) instead of B: a recurrent step {@code h · W_hhᵀ} would otherwise transpose
 * all of W_hh (H² values) for a product with only B rows; swapped, W_hh is read where it lies.
 * Every element is still the same chain of fused multiply-adds ({@code a·b} and {@code b·a} round
 * alike).
 *
 * <p><b>Threads.</b> Products of at least {@link #PARALLEL_FLOPS} floating-point operations per
 * thread (twice that in float32, which runs twice as fast) are split into contiguous ranges of
 * whole tiles of C (columns when C is at least as wide as tall, rows otherwise) run on
 * {@link Parallelism}.
 *
 * <p>C must not overlap A or B.
 */
final class VectorGemm implements GemmKernel {
    /** Products with fewer rows than this and B stored as is take the unpacked path (see the class comment). */
    static final int FEW_ROWS = DoubleTiles.MR / 2 + 1;
    /** Products with a transposed B and fewer rows than columns are computed transposed from this k on. */
    static final int SWAP_MIN_K = 64;
    /**
     * The least number of floating-point operations (2mnk) worth giving to each thread: about
     * 8 µs of work, against 0.6 µs to hand it to a spinning worker of {@link Parallelism}
     * ({@code HandOffBenchmark}; a recurrent step's 32 x 256 x 256 products are split; at 2^22,
     * when handing over cost 67 µs, they were not).
     */
    static final long PARALLEL_FLOPS = 1L << 19;

    private final long parallelFlops;

    /** The kernel {@link Kernels} loads. */
    public VectorGemm() {
        this(PARALLEL_FLOPS);
    }

    /** A kernel that splits products of at least {@code parallelFlops} per thread (tests use 1). */
    VectorGemm(long parallelFlops) {
        if (parallelFlops < 1) {
            throw new IllegalArgumentException("parallelFlops must be at least 1, got " + parallelFlops);
        }
        this.parallelFlops = parallelFlops;
    }

    @Override
    public String name() {
        return "vector(" + DoubleTiles.L + " lanes, " + DoubleTiles.MR + "x" + DoubleTiles.NR + " tile; float "
                + FloatTiles.L + " lanes, " + FloatTiles.MR + "x" + FloatTiles.NR + ")";
    }

    /**
     * True from {@link BlockedProduct#FEW_ROWS} rows and {@link BlockedProduct#FEW_COLUMNS}
     * columns on, where the product of rows copied together packs both factors too. (With the
     * thresholds of 32 rows and 96 columns instead, the engine's tanh RNN at H = 256 ran at 1.02
     * to 1.05 times this time, three runs of {@code CompareBuilds}.)
     */
    @Override
    public boolean gathersInPlace(int m, int n) {
        return m > BlockedProduct.FEW_ROWS && n > BlockedProduct.FEW_COLUMNS;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double[] a, int aOff, int lda,
                     double[] b, int bOff, int ldb,
                     double[] c, int cOff, int ldc,
                     boolean accumulate) {
        GemmArguments.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                clear(m, n, c, cOff, ldc);
            }
            return;
        }
        int parts = parts(m, n, k, DoubleTiles.MR, DoubleTiles.NR, parallelFlops);
        if (parts <= 1) {
            product(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        split(parts, m, n, DoubleTiles.MR, DoubleTiles.NR, (r0, rows, c0, cols) ->
                product(transA, transB, rows, cols, k, a, aOff + (transA ? r0 : r0 * lda), lda,
                        b, bOff + (transB ? c0 * ldb : c0), ldb, c, cOff + r0 * ldc + c0, ldc, accumulate));
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        GemmArguments.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                clear(m, n, c, cOff, ldc);
            }
            return;
        }
        int parts = parts(m, n, k, FloatTiles.MR, FloatTiles.NR, 2 * parallelFlops);
        if (parts <= 1) {
            product(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        split(parts, m, n, FloatTiles.MR, FloatTiles.NR, (r0, rows, c0, cols) ->
                product(transA, transB, rows, cols, k, a, aOff + (transA ? r0 : r0 * lda), lda,
                        b, bOff + (transB ? c0 * ldb : c0), ldb, c, cOff + r0 * ldc + c0, ldc, accumulate));
    }

    /**
     * The gathered rows are packed from where they lie (the blocked product with every panel
     * packed, reading row {@code p} of A and B at its own offset), split over threads as
     * {@link #gemm} splits.
     */
    @Override
    public void gemmGatheredRows(int m, int n, int k, double[] a, int[] aRows, double[] b, int[] bRows,
                                 double[] c, int cOff, int ldc, boolean accumulate) {
        GemmArguments.checkGathered(m, n, k, a, aRows, b, bRows, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                clear(m, n, c, cOff, ldc);
            }
            return;
        }
        int parts = parts(m, n, k, DoubleTiles.MR, DoubleTiles.NR, parallelFlops);
        if (parts <= 1) {
            DoubleBlocked.product(true, false, m, n, k, a, 0, 0, aRows, b, 0, 0, bRows, c, cOff, ldc, 1, accumulate);
            return;
        }
        split(parts, m, n, DoubleTiles.MR, DoubleTiles.NR, (r0, rows, c0, cols) ->
                DoubleBlocked.product(true, false, rows, cols, k, a, r0, 0, aRows, b, c0, 0, bRows,
                        c, cOff + r0 * ldc + c0, ldc, 1, accumulate));
    }

    /** {@link #gemmGatheredRows(int, int, int, double[], int[], double[], int[], double[], int, int, boolean)} on floats. */
    @Override
    public void gemmGatheredRows(int m, int n, int k, float[] a, int[] aRows, float[] b, int[] bRows,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
        GemmArguments.checkGathered(m, n, k, a, aRows, b, bRows, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                clear(m, n, c, cOff, ldc);
            }
            return;
        }
        int parts = parts(m, n, k, FloatTiles.MR, FloatTiles.NR, 2 * parallelFlops);
        if (parts <= 1) {
            FloatBlocked.product(true, false, m, n, k, a, 0, 0, aRows, b, 0, 0, bRows, c, cOff, ldc, 1, accumulate);
            return;
        }
        split(parts, m, n, FloatTiles.MR, FloatTiles.NR, (r0, rows, c0, cols) ->
                FloatBlocked.product(true, false, rows, cols, k, a, r0, 0, aRows, b, c0, 0, bRows,
                        c, cOff + r0 * ldc + c0, ldc, 1, accumulate));
    }

    /** One thread's share of a product: rows {@code [r0, r0 + rows)} and columns {@code [c0, c0 + cols)} of C. */
    private interface Share {
        void run(int r0, int rows, int c0, int cols);
    }

    /**
     * How many threads share a non-empty product of {@code m × n} and inner size {@code k} (see
     * the class comment on threads): at most one per {@code flopsPerThread} operations and one per
     * whole tile of C ({@code mr x nr}) along the side it is split on.
     */
    private static int parts(int m, int n, int k, int mr, int nr, long flopsPerThread) {
        int units = n >= m ? (n + nr - 1) / nr : (m + mr - 1) / mr;
        long flops = 2L * m * n * k;
        return (int) Math.min(Math.min(Parallelism.threads(), units), Math.max(1, flops / flopsPerThread));
    }

    /**
     * Runs a product split into {@code parts > 1} contiguous ranges of whole tiles of C
     * ({@code mr x nr}), columns when C is at least as wide as tall, rows otherwise, on
     * {@link Parallelism}. (A product on one thread calls its share directly: no task objects.)
     */
    private static void split(int parts, int m, int n, int mr, int nr, Share share) {
        boolean byColumns = n >= m;
        int unit = byColumns ? nr : mr;
        int extent = byColumns ? n : m;
        int units = (extent + unit - 1) / unit;
        Parallelism.run(parts, part -> {
            int lo = Math.min(extent, (int) ((long) units * part / parts) * unit);
            int hi = Math.min(extent, (int) ((long) units * (part + 1) / parts) * unit);
            if (byColumns) {
                share.run(0, m, lo, hi - lo);
            } else {
                share.run(lo, hi - lo, 0, n);
            }
        });
    }

    /** One thread's float64 product: few rows, swapped or blocked (see the class comment). */
    private static void product(boolean transA, boolean transB, int m, int n, int k,
                                double[] a, int aOff, int lda,
                                double[] b, int bOff, int ldb,
                                double[] c, int cOff, int ldc,
                                boolean accumulate) {
        if (m < FEW_ROWS && !transB) {
            rowsOfAxpy(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (transB && m < n && k >= SWAP_MIN_K) {
            DoubleBlocked.product(false, !transA, n, m, k, b, bOff, ldb, null, a, aOff, lda, null,
                    c, cOff, 1, ldc, accumulate);
        } else {
            DoubleBlocked.product(transA, transB, m, n, k, a, aOff, lda, null, b, bOff, ldb, null,
                    c, cOff, ldc, 1, accumulate);
        }
    }

    /** One thread's float32 product: few rows, swapped or blocked (see the class comment). */
    private static void product(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc,
                                boolean accumulate) {
        if (m < FEW_ROWS && !transB) {
            rowsOfAxpy(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (transB && m < n && k >= SWAP_MIN_K) {
            FloatBlocked.product(false, !transA, n, m, k, b, bOff, ldb, null, a, aOff, lda, null,
                    c, cOff, 1, ldc, accumulate);
        } else {
            FloatBlocked.product(transA, transB, m, n, k, a, aOff, lda, null, b, bOff, ldb, null,
                    c, cOff, ldc, 1, accumulate);
        }
    }

    /**
     * Few rows and op(B) stored as is: {@code C[i,:] = fma(op(A)[i,p], B[p,:], C[i,:])} for
     * {@code p = 0 .. k-1}, reading each row of B once, straight from B.
     */
    private static void rowsOfAxpy(boolean transA, int m, int n, int k,
                                   double[] a, int aOff, int lda,
                                   double[] b, int bOff, int ldb,
                                   double[] c, int cOff, int ldc,
                                   boolean accumulate) {
        if (!accumulate) {
            clear(m, n, c, cOff, ldc);
        }
        int bound = DoubleTiles.S.loopBound(n);
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * ldb;
            for (int i = 0; i < m; i++) {
                double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                DoubleVector av = DoubleVector.broadcast(DoubleTiles.S, aip);
                int ci = cOff + i * ldc;
                int j = 0;
                for (; j < bound; j += DoubleTiles.L) {
                    av.fma(DoubleVector.fromArray(DoubleTiles.S, b, bp + j), DoubleVector.fromArray(DoubleTiles.S, c, ci + j))
                            .intoArray(c, ci + j);
                }
                for (; j < n; j++) {
                    c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    /** {@link #rowsOfAxpy(boolean, int, int, int, double[], int, int, double[], int, int, double[], int, int, boolean)} on floats. */
    private static void rowsOfAxpy(boolean transA, int m, int n, int k,
                                   float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb,
                                   float[] c, int cOff, int ldc,
                                   boolean accumulate) {
        if (!accumulate) {
            clear(m, n, c, cOff, ldc);
        }
        int bound = FloatTiles.S.loopBound(n);
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * ldb;
            for (int i = 0; i < m; i++) {
                float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                FloatVector av = FloatVector.broadcast(FloatTiles.S, aip);
                int ci = cOff + i * ldc;
                int j = 0;
                for (; j < bound; j += FloatTiles.L) {
                    av.fma(FloatVector.fromArray(FloatTiles.S, b, bp + j), FloatVector.fromArray(FloatTiles.S, c, ci + j))
                            .intoArray(c, ci + j);
                }
                for (; j < n; j++) {
                    c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    /** Sets the m x n window of C to +0.0. */
    private static void clear(int m, int n, double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
        }
    }

    /** Sets the m x n window of C to +0.0f. */
    private static void clear(int m, int n, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0f);
        }
    }
}
