package io.chainrule.core.kernel;

import io.chainrule.core.Parallelism;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The fast matrix product: a packed, register-blocked kernel on the JDK Vector API, split over
 * threads for large products (see {@link GemmKernel} for the contract).
 *
 * <p><b>Order of operations.</b> Every element is computed as one chain of fused multiply-adds in
 * increasing {@code p}: {@code c = fma(op(A)[i,p], op(B)[p,j], c)} for {@code p = 0 .. k-1},
 * starting from {@code +0.0} (or from the old {@code C[i,j]} when accumulating). That is exactly
 * what {@link ScalarGemm} does, so the two kernels agree bit for bit, on every vector length and
 * for every split of the work between threads.
 *
 * <p><b>Blocking.</b> The product is cut into blocks of {@link #KC} steps of {@code p}. For each
 * block, op(B) is packed into panels {@link #NR} columns wide (row {@code p} of a panel holds the
 * {@code NR} values that step {@code p} needs, contiguously; a transposed B is copied element by
 * element) and op(A) into panels {@link #MR} rows tall. The micro-kernel keeps an {@code MR x NR}
 * tile of C in vector registers ({@code MR * NR / L} accumulators for {@code L} lanes) and, per
 * step of {@code p}, broadcasts one value of the row panel per row and multiplies it into the
 * {@code NR / L} vectors of the column panel. The tile shape follows the vector length: 8 x 24 for
 * 8 lanes (AVX-512), 6 x 8 for 4 lanes (AVX2); with 8 lanes a last panel 8 or 16 columns wide
 * gets a tile of one or two vectors. Tiles on the ragged edges of C go through a small buffer.
 * Packing buffers are per thread and reused, so the steady state allocates nothing (a split over
 * threads allocates a few small task objects).
 *
 * <p><b>Operands read in place.</b> Packing pays when a panel is reused by many panels of the
 * other operand; for the products a recurrent step makes it cost as much as the arithmetic
 * (32 x 32 x 32: twice the time). So op(A) is read where it lies when it meets at most
 * {@link #FEW_PANELS} column panels, and a B stored as is when it meets at most that many row
 * panels (strided loads); ragged panels and a transposed B are still packed. The order of
 * operations is the same either way.
 *
 * <p><b>Few rows.</b> With fewer than {@link #FEW_ROWS} rows and B stored as is, padding rows to
 * {@code MR} would waste most of the work, so C is updated row by row with vector
 * {@code C[i,:] = fma(op(A)[i,p], B[p,:], C[i,:])}, reading B once, unpacked.
 *
 * <p><b>Threads.</b> Products of at least {@link #PARALLEL_FLOPS} floating-point operations per
 * thread are split into contiguous ranges of whole tiles of C (columns when C is at least as wide
 * as tall, rows otherwise) run on {@link Parallelism}.
 *
 * <p>C must not overlap A or B.
 */
final class VectorGemm implements GemmKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Lanes of a vector. */
    private static final int L = S.length();
    /** True for 512-bit vectors, taken to mean 32 vector registers (AVX-512); otherwise 16 are assumed (AVX2). */
    private static final boolean WIDE = S.vectorBitSize() >= 512;
    /** Vectors per row of the register tile. */
    private static final int NV = WIDE ? 3 : 2;
    /**
     * Rows of the register tile. MR * NV accumulators, NV vectors of the column panel and one
     * broadcast must fit the vector registers: 8 x 3 uses 28 of 32, 6 x 2 uses 15 of 16.
     * (4 x 3 on 16 registers spills and runs at half the speed.)
     */
    static final int MR = WIDE ? 8 : 6;
    /** Columns of the register tile. */
    static final int NR = NV * L;
    /** Steps of p per block: a column panel (KC x NR) stays in the first-level cache. */
    static final int KC = 256;
    /** Rows of op(A) packed at a time (a multiple of MR): a block of MC x KC stays in the second-level cache. */
    static final int MC = roundUp(128, MR);
    /** Columns of op(B) packed at a time (a multiple of NR). */
    static final int NC = roundUp(2048, NR);
    /** Products with fewer rows than this and B stored as is take the unpacked path (see the class comment). */
    static final int FEW_ROWS = MR / 2 + 1;
    /** Operands that meet at most this many panels of the other are read in place, not packed. */
    static final int FEW_PANELS = 4;
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

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** One thread's packing buffers. */
    private static final class Buffers {
        final double[] rows = new double[MC * KC];
        final double[] cols = new double[NC * KC];
        final double[] tile = new double[MR * NR];
    }

    @Override
    public String name() {
        return "vector(" + L + " lanes, " + MR + "x" + NR + " tile)";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double[] a, int aOff, int lda,
                     double[] b, int bOff, int ldb,
                     double[] c, int cOff, int ldc,
                     boolean accumulate) {
        GemmArguments.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        split(m, n, k, c, cOff, ldc, accumulate, (r0, rows, c0, cols) ->
                product(transA, transB, rows, cols, k, a, aOff + (transA ? r0 : r0 * lda), lda,
                        b, bOff + (transB ? c0 * ldb : c0), ldb, c, cOff + r0 * ldc + c0, ldc, accumulate));
    }

    /** One thread's share of a product: rows {@code [r0, r0 + rows)} and columns {@code [c0, c0 + cols)} of C. */
    private interface Share {
        void run(int r0, int rows, int c0, int cols);
    }

    /**
     * Runs a product of {@code m × n} and inner size {@code k} as its shares (see the class comment
     * on threads): whole on this thread, or split into contiguous ranges of whole tiles of C, columns
     * when C is at least as wide as tall, rows otherwise. An empty product only clears C (when not
     * accumulating).
     */
    private void split(int m, int n, int k, double[] c, int cOff, int ldc, boolean accumulate, Share share) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                clear(m, n, c, cOff, ldc);
            }
            return;
        }
        boolean byColumns = n >= m;
        int unit = byColumns ? NR : MR;
        int extent = byColumns ? n : m;
        int units = (extent + unit - 1) / unit;
        long flops = 2L * m * n * k;
        int parts = (int) Math.min(Math.min(Parallelism.threads(), units), Math.max(1, flops / parallelFlops));
        if (parts <= 1) {
            share.run(0, m, 0, n);
            return;
        }
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

    /** Both factors are packed (never read in place) once they meet more than {@link #FEW_PANELS} panels of the other. */
    /** float32 products: the scalar kernel's loops for now (the same bits by contract). */
    private static final ScalarGemm FLOAT = new ScalarGemm();

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc,
                     boolean accumulate) {
        FLOAT.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public boolean gathersInPlace(int m, int n) {
        return m > FEW_PANELS * MR && n > FEW_PANELS * NR;
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
        split(m, n, k, c, cOff, ldc, accumulate, (r0, rows, c0, cols) ->
                blocked(true, false, rows, cols, k, a, r0, 0, aRows, b, c0, 0, bRows, c, cOff + r0 * ldc + c0, ldc, 1,
                        accumulate));
    }

    /**
     * One thread's product. A transposed B wider than op(A) is tall is computed as the transposed
     * product {@code Cᵀ = B · op(A)ᵀ}, so that the packing copies op(A) instead of B: a recurrent
     * step {@code h · W_hhᵀ} would otherwise transpose all of W_hh (H² values) for a product with
     * only B rows. Every element is still the same chain of fused multiply-adds ({@code a·b} and
     * {@code b·a} round alike).
     */
    private static void product(boolean transA, boolean transB, int m, int n, int k,
                                double[] a, int aOff, int lda,
                                double[] b, int bOff, int ldb,
                                double[] c, int cOff, int ldc,
                                boolean accumulate) {
        if (m < FEW_ROWS && !transB) {
            rowsOfAxpy(transA, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (transB && m < n && k >= SWAP_MIN_K) {
            blocked(false, !transA, n, m, k, b, bOff, ldb, a, aOff, lda, c, cOff, 1, ldc, accumulate);
        } else {
            blocked(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, 1, accumulate);
        }
    }

    /**
     * The blocked product, in the loop order of packed kernels: blocks of NC columns, KC steps,
     * MC rows, then panels of NR columns and MR rows. Each panel of op(B) is packed during the
     * first block of rows, right before its first use, so it is still in the first-level cache
     * when the micro-kernel reads it. Element (i, j) of the result goes to
     * {@code c[cOff + i*rowStep + j*colStep]} ({@code colStep != 1} writes the transpose, through
     * the tile buffer).
     *
     * <p>Operands reused by few panels are read in place rather than packed (see the class
     * comment): op(A) when it meets at most {@link #FEW_PANELS} column panels, a B stored as is
     * when it meets at most that many row panels.
     */
    private static void blocked(boolean transA, boolean transB, int m, int n, int k,
                                double[] a, int aOff, int lda,
                                double[] b, int bOff, int ldb,
                                double[] c, int cOff, int rowStep, int colStep,
                                boolean accumulate) {
        blocked(transA, transB, m, n, k, a, aOff, lda, null, b, bOff, ldb, null, c, cOff, rowStep, colStep, accumulate);
    }

    /**
     * The blocked product; with {@code aRows} (transposed A) or {@code bRows} (B stored as is) the
     * stored row {@code p} starts at {@code aOff + aRows[p]} (or {@code bOff + bRows[p]}) instead of
     * {@code p} leading dimensions on, and that operand is always packed.
     */
    private static void blocked(boolean transA, boolean transB, int m, int n, int k,
                                double[] a, int aOff, int lda, int[] aRows,
                                double[] b, int bOff, int ldb, int[] bRows,
                                double[] c, int cOff, int rowStep, int colStep,
                                boolean accumulate) {
        Buffers buf = BUFFERS.get();
        double[] ap = buf.rows;
        double[] bp = buf.cols;
        boolean directA = aRows == null && n <= FEW_PANELS * NR;
        boolean directAllB = bRows == null && !transB && m <= FEW_PANELS * MR;
        int mrFull = m / MR * MR;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    if (aRows != null) {
                        packGatheredRows(a, aOff, aRows, pc, kc, ic, mc, ap);
                    } else if (!directA) {
                        packRows(a, aOff, lda, transA, pc, kc, ic, mc, ap);
                    } else if (ic + mc > mrFull) {
                        // the ragged last panel, packed at the start of the buffer
                        packRows(a, aOff, lda, transA, pc, kc, mrFull, m - mrFull, ap);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int nv = WIDE && nr % L == 0 ? nr / L : NV;
                        boolean directB = directAllB && nv * L == nr;
                        if (bRows != null && ic == 0) {
                            packGatheredColumns(b, bOff, bRows, pc, kc, jc + jr, nr, bp, jr * kc);
                        } else if (!directB && ic == 0) {
                            packColumns(b, bOff, ldb, transB, pc, kc, jc + jr, nr, bp, jr * kc);
                        }
                        double[] y = directB ? b : bp;
                        int yb = directB ? bOff + pc * ldb + jc + jr : jr * kc;
                        int yp = directB ? ldb : NR;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int row = ic + ir;
                            int ci = cOff + row * rowStep + (jc + jr) * colStep;
                            boolean inPlace = directA && mr == MR;
                            double[] x = inPlace ? a : ap;
                            int xb = !inPlace ? (directA ? 0 : ir * kc)
                                    : aOff + (transA ? pc * lda + row : row * lda + pc);
                            int xr = inPlace && !transA ? lda : 1;
                            int xp = !inPlace ? MR : transA ? lda : 1;
                            if (mr == MR && nv * L == nr && colStep == 1) {
                                micro(kc, x, xb, xr, xp, y, yb, yp, nv, c, ci, rowStep, load);
                            } else {
                                edge(kc, x, xb, xr, xp, y, yb, yp, nv, c, ci, rowStep, colStep, mr, nr, load,
                                        buf.tile);
                            }
                        }
                    }
                }
            }
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
        int bound = S.loopBound(n);
        for (int p = 0; p < k; p++) {
            int bp = bOff + p * ldb;
            for (int i = 0; i < m; i++) {
                double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                DoubleVector av = DoubleVector.broadcast(S, aip);
                int ci = cOff + i * ldc;
                int j = 0;
                for (; j < bound; j += L) {
                    av.fma(DoubleVector.fromArray(S, b, bp + j), DoubleVector.fromArray(S, c, ci + j))
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

    /**
     * A ragged or transposed tile, through the tile buffer (arguments as for {@link #micro});
     * element (r, q) of the tile is {@code c[ci + r*rowStep + q*colStep]}.
     */
    private static void edge(int kc, double[] x, int xb, int xr, int xp, double[] y, int yb, int yp, int nv,
                             double[] c, int ci, int rowStep, int colStep, int mr, int nr, boolean load,
                             double[] tile) {
        Arrays.fill(tile, 0.0);
        if (load) {
            for (int r = 0; r < mr; r++) {
                for (int q = 0; q < nr; q++) {
                    tile[r * NR + q] = c[ci + r * rowStep + q * colStep];
                }
            }
        }
        micro(kc, x, xb, xr, xp, y, yb, yp, nv, tile, 0, NR, true);
        for (int r = 0; r < mr; r++) {
            for (int q = 0; q < nr; q++) {
                c[ci + r * rowStep + q * colStep] = tile[r * NR + q];
            }
        }
    }

    /**
     * Packs the panel {@code op(B)[pc .. pc+kc, col .. col+nr]} at {@code bp[dst]}: {@code op(B)[pc+p, col+q]}
     * goes to {@code p*NR + q}; columns {@code nr .. NR} are 0. A transposed B is copied element by
     * element, reading each stored row once. (Not with gathers: the Vector API's gather takes an
     * index vector of another species, and a hot gather pollutes the type profiles of shared Vector
     * API methods so that the JIT stops intrinsifying the activation kernels: tanh ran 5x slower and
     * allocated a box per vector after a run of transposed products.)
     */
    private static void packColumns(double[] b, int bOff, int ldb, boolean transB, int pc, int kc, int col, int nr,
                                    double[] bp, int dst) {
        if (!transB) {
            int src = bOff + pc * ldb + col;
            if (nr == NR) {
                for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                    for (int v = 0; v < NR; v += L) {
                        DoubleVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                    }
                }
            } else {
                for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                    System.arraycopy(b, src, bp, dst, nr);
                    Arrays.fill(bp, dst + nr, dst + NR, 0.0);
                }
            }
        } else {
            // row by row of the panel, so the writes are sequential; the nr stored rows are read
            // side by side, each front to back
            int src = bOff + col * ldb + pc;
            for (int p = 0; p < kc; p++, src++, dst += NR) {
                int q = 0;
                for (int from = src; q < nr; q++, from += ldb) {
                    bp[dst + q] = b[from];
                }
                for (; q < NR; q++) {
                    bp[dst + q] = 0.0;
                }
            }
        }
    }

    /** {@link #packColumns} for a B stored as is whose row {@code p} starts at {@code bOff + bRows[p]}. */
    private static void packGatheredColumns(double[] b, int bOff, int[] bRows, int pc, int kc, int col, int nr,
                                            double[] bp, int dst) {
        for (int p = 0; p < kc; p++, dst += NR) {
            int src = bOff + bRows[pc + p] + col;
            if (nr == NR) {
                for (int v = 0; v < NR; v += L) {
                    DoubleVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                }
            } else {
                System.arraycopy(b, src, bp, dst, nr);
                Arrays.fill(bp, dst + nr, dst + NR, 0.0);
            }
        }
    }

    /** {@link #packRows} for a transposed A whose stored row {@code p} starts at {@code aOff + aRows[p]}. */
    private static void packGatheredRows(double[] a, int aOff, int[] aRows, int pc, int kc, int row, int mc,
                                         double[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = ir * kc;
            for (int p = 0; p < kc; p++, dst += MR) {
                int src = aOff + aRows[pc + p] + row + ir;
                for (int r = 0; r < mr; r++) {
                    ap[dst + r] = a[src + r];
                }
                for (int r = mr; r < MR; r++) {
                    ap[dst + r] = 0.0;
                }
            }
        }
    }

    /**
     * Packs {@code op(A)[row .. row+mc, pc .. pc+kc]} into panels of MR rows from {@code ap[0]}: panel
     * {@code t} starts at {@code t*MR*kc} and holds {@code op(A)[row+t*MR+r, pc+p]} at {@code p*MR + r};
     * missing rows are 0.
     */
    private static void packRows(double[] a, int aOff, int lda, boolean transA, int pc, int kc, int row, int mc,
                                 double[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = ir * kc;
            if (transA) {
                int src = aOff + pc * lda + row + ir;
                for (int p = 0; p < kc; p++, src += lda, dst += MR) {
                    for (int r = 0; r < mr; r++) {
                        ap[dst + r] = a[src + r];
                    }
                    for (int r = mr; r < MR; r++) {
                        ap[dst + r] = 0.0;
                    }
                }
            } else {
                for (int r = 0; r < MR; r++) {
                    if (r < mr) {
                        int src = aOff + (row + ir + r) * lda + pc;
                        for (int p = 0; p < kc; p++) {
                            ap[dst + p * MR + r] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            ap[dst + p * MR + r] = 0.0;
                        }
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel: {@code C[r,q] = fma(x[xb + r*xr + p*xp], y[yb + p*yp + q], C[r,q])} for
     * {@code p = 0 .. kc-1} in order, {@code r < MR}, {@code q < nv*L}: {@code x} holds op(A) (a
     * packed panel, {@code xr = 1, xp = MR}, or A itself) and {@code y} op(B) (a packed panel,
     * {@code yp = NR}, or B itself); the tile of C starts at {@code c[co]} with rows {@code ldc}
     * apart and is loaded first when {@code load}, otherwise starts at +0.0. {@code nv} is
     * {@link #NV} or, with 8 lanes, fewer vectors for a narrow last panel.
     */
    private static void micro(int kc, double[] x, int xb, int xr, int xp, double[] y, int yb, int yp, int nv,
                              double[] c, int co, int ldc, boolean load) {
        if (!WIDE) {
            micro6x2(kc, x, xb, xr, xp, y, yb, yp, c, co, ldc, load);
        } else if (nv == 3) {
            micro8x3(kc, x, xb, xr, xp, y, yb, yp, c, co, ldc, load);
        } else if (nv == 2) {
            micro8x2(kc, x, xb, xr, xp, y, yb, yp, c, co, ldc, load);
        } else {
            micro8x1(kc, x, xb, xr, xp, y, yb, yp, c, co, ldc, load);
        }
    }

    private static int roundUp(int v, int unit) {
        return Math.max(unit, (v + unit - 1) / unit * unit);
    }

    /** The 8 x 3L register tile: see {@link #micro}. */
    private static void micro8x3(int kc, double[] x, int xb, int xr, int xp, double[] y, int yb, int yp,
                                 double[] c, int co, int ldc, boolean load) {
        DoubleVector c00, c01, c02;
        DoubleVector c10, c11, c12;
        DoubleVector c20, c21, c22;
        DoubleVector c30, c31, c32;
        DoubleVector c40, c41, c42;
        DoubleVector c50, c51, c52;
        DoubleVector c60, c61, c62;
        DoubleVector c70, c71, c72;
        if (load) {
            c00 = DoubleVector.fromArray(S, c, co);
            c01 = DoubleVector.fromArray(S, c, co + L);
            c02 = DoubleVector.fromArray(S, c, co + 2 * L);
            c10 = DoubleVector.fromArray(S, c, co + ldc);
            c11 = DoubleVector.fromArray(S, c, co + ldc + L);
            c12 = DoubleVector.fromArray(S, c, co + ldc + 2 * L);
            c20 = DoubleVector.fromArray(S, c, co + 2 * ldc);
            c21 = DoubleVector.fromArray(S, c, co + 2 * ldc + L);
            c22 = DoubleVector.fromArray(S, c, co + 2 * ldc + 2 * L);
            c30 = DoubleVector.fromArray(S, c, co + 3 * ldc);
            c31 = DoubleVector.fromArray(S, c, co + 3 * ldc + L);
            c32 = DoubleVector.fromArray(S, c, co + 3 * ldc + 2 * L);
            c40 = DoubleVector.fromArray(S, c, co + 4 * ldc);
            c41 = DoubleVector.fromArray(S, c, co + 4 * ldc + L);
            c42 = DoubleVector.fromArray(S, c, co + 4 * ldc + 2 * L);
            c50 = DoubleVector.fromArray(S, c, co + 5 * ldc);
            c51 = DoubleVector.fromArray(S, c, co + 5 * ldc + L);
            c52 = DoubleVector.fromArray(S, c, co + 5 * ldc + 2 * L);
            c60 = DoubleVector.fromArray(S, c, co + 6 * ldc);
            c61 = DoubleVector.fromArray(S, c, co + 6 * ldc + L);
            c62 = DoubleVector.fromArray(S, c, co + 6 * ldc + 2 * L);
            c70 = DoubleVector.fromArray(S, c, co + 7 * ldc);
            c71 = DoubleVector.fromArray(S, c, co + 7 * ldc + L);
            c72 = DoubleVector.fromArray(S, c, co + 7 * ldc + 2 * L);
        } else {
            DoubleVector z = DoubleVector.zero(S);
            c00 = c01 = c02 = z;
            c10 = c11 = c12 = z;
            c20 = c21 = c22 = z;
            c30 = c31 = c32 = z;
            c40 = c41 = c42 = z;
            c50 = c51 = c52 = z;
            c60 = c61 = c62 = z;
            c70 = c71 = c72 = z;
        }
        for (int p = 0; p < kc; p++) {
            int xi = xb + p * xp;
            int yi = yb + p * yp;
            DoubleVector b0 = DoubleVector.fromArray(S, y, yi);
            DoubleVector b1 = DoubleVector.fromArray(S, y, yi + L);
            DoubleVector b2 = DoubleVector.fromArray(S, y, yi + 2 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, x[xi]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            DoubleVector a1 = DoubleVector.broadcast(S, x[xi + xr]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xi + 2 * xr]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xi + 3 * xr]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xi + 4 * xr]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xi + 5 * xr]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xi + 6 * xr]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xi + 7 * xr]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c02.intoArray(c, co + 2 * L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c12.intoArray(c, co + ldc + 2 * L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c22.intoArray(c, co + 2 * ldc + 2 * L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c32.intoArray(c, co + 3 * ldc + 2 * L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c42.intoArray(c, co + 4 * ldc + 2 * L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c52.intoArray(c, co + 5 * ldc + 2 * L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c62.intoArray(c, co + 6 * ldc + 2 * L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
        c72.intoArray(c, co + 7 * ldc + 2 * L);
    }

    /** The 8 x 2L register tile: see {@link #micro}. */
    private static void micro8x2(int kc, double[] x, int xb, int xr, int xp, double[] y, int yb, int yp,
                                 double[] c, int co, int ldc, boolean load) {
        DoubleVector c00, c01;
        DoubleVector c10, c11;
        DoubleVector c20, c21;
        DoubleVector c30, c31;
        DoubleVector c40, c41;
        DoubleVector c50, c51;
        DoubleVector c60, c61;
        DoubleVector c70, c71;
        if (load) {
            c00 = DoubleVector.fromArray(S, c, co);
            c01 = DoubleVector.fromArray(S, c, co + L);
            c10 = DoubleVector.fromArray(S, c, co + ldc);
            c11 = DoubleVector.fromArray(S, c, co + ldc + L);
            c20 = DoubleVector.fromArray(S, c, co + 2 * ldc);
            c21 = DoubleVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = DoubleVector.fromArray(S, c, co + 3 * ldc);
            c31 = DoubleVector.fromArray(S, c, co + 3 * ldc + L);
            c40 = DoubleVector.fromArray(S, c, co + 4 * ldc);
            c41 = DoubleVector.fromArray(S, c, co + 4 * ldc + L);
            c50 = DoubleVector.fromArray(S, c, co + 5 * ldc);
            c51 = DoubleVector.fromArray(S, c, co + 5 * ldc + L);
            c60 = DoubleVector.fromArray(S, c, co + 6 * ldc);
            c61 = DoubleVector.fromArray(S, c, co + 6 * ldc + L);
            c70 = DoubleVector.fromArray(S, c, co + 7 * ldc);
            c71 = DoubleVector.fromArray(S, c, co + 7 * ldc + L);
        } else {
            DoubleVector z = DoubleVector.zero(S);
            c00 = c01 = z;
            c10 = c11 = z;
            c20 = c21 = z;
            c30 = c31 = z;
            c40 = c41 = z;
            c50 = c51 = z;
            c60 = c61 = z;
            c70 = c71 = z;
        }
        for (int p = 0; p < kc; p++) {
            int xi = xb + p * xp;
            int yi = yb + p * yp;
            DoubleVector b0 = DoubleVector.fromArray(S, y, yi);
            DoubleVector b1 = DoubleVector.fromArray(S, y, yi + L);
            DoubleVector a0 = DoubleVector.broadcast(S, x[xi]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, x[xi + xr]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xi + 2 * xr]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xi + 3 * xr]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xi + 4 * xr]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xi + 5 * xr]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xi + 6 * xr]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xi + 7 * xr]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + L);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + L);
    }

    /** The 8 x 1L register tile: see {@link #micro}. */
    private static void micro8x1(int kc, double[] x, int xb, int xr, int xp, double[] y, int yb, int yp,
                                 double[] c, int co, int ldc, boolean load) {
        DoubleVector c00;
        DoubleVector c10;
        DoubleVector c20;
        DoubleVector c30;
        DoubleVector c40;
        DoubleVector c50;
        DoubleVector c60;
        DoubleVector c70;
        if (load) {
            c00 = DoubleVector.fromArray(S, c, co);
            c10 = DoubleVector.fromArray(S, c, co + ldc);
            c20 = DoubleVector.fromArray(S, c, co + 2 * ldc);
            c30 = DoubleVector.fromArray(S, c, co + 3 * ldc);
            c40 = DoubleVector.fromArray(S, c, co + 4 * ldc);
            c50 = DoubleVector.fromArray(S, c, co + 5 * ldc);
            c60 = DoubleVector.fromArray(S, c, co + 6 * ldc);
            c70 = DoubleVector.fromArray(S, c, co + 7 * ldc);
        } else {
            DoubleVector z = DoubleVector.zero(S);
            c00 = z;
            c10 = z;
            c20 = z;
            c30 = z;
            c40 = z;
            c50 = z;
            c60 = z;
            c70 = z;
        }
        for (int p = 0; p < kc; p++) {
            int xi = xb + p * xp;
            int yi = yb + p * yp;
            DoubleVector b0 = DoubleVector.fromArray(S, y, yi);
            DoubleVector a0 = DoubleVector.broadcast(S, x[xi]);
            c00 = a0.fma(b0, c00);
            DoubleVector a1 = DoubleVector.broadcast(S, x[xi + xr]);
            c10 = a1.fma(b0, c10);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xi + 2 * xr]);
            c20 = a2.fma(b0, c20);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xi + 3 * xr]);
            c30 = a3.fma(b0, c30);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xi + 4 * xr]);
            c40 = a4.fma(b0, c40);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xi + 5 * xr]);
            c50 = a5.fma(b0, c50);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xi + 6 * xr]);
            c60 = a6.fma(b0, c60);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xi + 7 * xr]);
            c70 = a7.fma(b0, c70);
        }
        c00.intoArray(c, co);
        c10.intoArray(c, co + ldc);
        c20.intoArray(c, co + 2 * ldc);
        c30.intoArray(c, co + 3 * ldc);
        c40.intoArray(c, co + 4 * ldc);
        c50.intoArray(c, co + 5 * ldc);
        c60.intoArray(c, co + 6 * ldc);
        c70.intoArray(c, co + 7 * ldc);
    }

    /** The 6 x 2L register tile: see {@link #micro}. */
    private static void micro6x2(int kc, double[] x, int xb, int xr, int xp, double[] y, int yb, int yp,
                                 double[] c, int co, int ldc, boolean load) {
        DoubleVector c00, c01;
        DoubleVector c10, c11;
        DoubleVector c20, c21;
        DoubleVector c30, c31;
        DoubleVector c40, c41;
        DoubleVector c50, c51;
        if (load) {
            c00 = DoubleVector.fromArray(S, c, co);
            c01 = DoubleVector.fromArray(S, c, co + L);
            c10 = DoubleVector.fromArray(S, c, co + ldc);
            c11 = DoubleVector.fromArray(S, c, co + ldc + L);
            c20 = DoubleVector.fromArray(S, c, co + 2 * ldc);
            c21 = DoubleVector.fromArray(S, c, co + 2 * ldc + L);
            c30 = DoubleVector.fromArray(S, c, co + 3 * ldc);
            c31 = DoubleVector.fromArray(S, c, co + 3 * ldc + L);
            c40 = DoubleVector.fromArray(S, c, co + 4 * ldc);
            c41 = DoubleVector.fromArray(S, c, co + 4 * ldc + L);
            c50 = DoubleVector.fromArray(S, c, co + 5 * ldc);
            c51 = DoubleVector.fromArray(S, c, co + 5 * ldc + L);
        } else {
            DoubleVector z = DoubleVector.zero(S);
            c00 = c01 = z;
            c10 = c11 = z;
            c20 = c21 = z;
            c30 = c31 = z;
            c40 = c41 = z;
            c50 = c51 = z;
        }
        for (int p = 0; p < kc; p++) {
            int xi = xb + p * xp;
            int yi = yb + p * yp;
            DoubleVector b0 = DoubleVector.fromArray(S, y, yi);
            DoubleVector b1 = DoubleVector.fromArray(S, y, yi + L);
            DoubleVector a0 = DoubleVector.broadcast(S, x[xi]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, x[xi + xr]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xi + 2 * xr]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xi + 3 * xr]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xi + 4 * xr]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xi + 5 * xr]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + L);
    }
}
