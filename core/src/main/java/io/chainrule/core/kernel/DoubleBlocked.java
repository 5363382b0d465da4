package io.chainrule.core.kernel;

import jdk.incubator.vector.DoubleVector;

import java.util.Arrays;

import static io.chainrule.core.kernel.DoubleTiles.L;
import static io.chainrule.core.kernel.DoubleTiles.MR;
import static io.chainrule.core.kernel.DoubleTiles.NR;
import static io.chainrule.core.kernel.DoubleTiles.NV;
import static io.chainrule.core.kernel.DoubleTiles.S;
import static io.chainrule.core.kernel.DoubleTiles.WIDE;

/**
 * The float64 {@link BlockedProduct}: one thread's packing buffers (reused, so the steady state
 * allocates nothing) and the operands of the product it is running.
 */
final class DoubleBlocked extends BlockedProduct {
    /** Steps of p per block: a packed column panel (KC x NR) stays in the first-level cache. */
    static final int KC = 256;
    /**
     * Rows of a block of a transposed op(A) packed by columns: a vector's lanes when that is a
     * multiple of MR (one vector a step of p), otherwise MR.
     */
    static final int PW = L % MR == 0 ? L : MR;
    /** Rows of op(A) packed at a time (a multiple of PW and MR): a block of MC x KC stays in the second-level cache. */
    static final int MC = 128 / PW * PW;
    /** Columns of op(B) packed at a time (a multiple of NR). */
    static final int NC = 2048 / NR * NR;
    /** Steps of p a transposed B is copied in at a time: one cache line of each stored row. */
    private static final int LINE = 8;
    /** Stored rows of a transposed B at least this many bytes apart are copied a cache line of steps at a time. */
    private static final int FAR_ROWS = 2048;

    private static final ThreadLocal<DoubleBlocked> BUFFERS = ThreadLocal.withInitial(DoubleBlocked::new);

    private final double[] rowBuffer = new double[MC * KC];
    private final double[] columnBuffer = new double[NC * KC];
    private final double[] tileBuffer = new double[MR * NR];
    private double[] a;
    private double[] b;
    private double[] c;

    private DoubleBlocked() {
        super(MR, PW, NV, L, WIDE, KC, MC, NC);
    }

    /**
     * The blocked product on this thread's buffers (arguments as for {@link BlockedProduct#loops},
     * with the arrays). The arrays are let go of afterwards.
     */
    static void product(boolean transA, boolean transB, int m, int n, int k,
                        double[] a, int aOff, int lda, int[] aRows,
                        double[] b, int bOff, int ldb, int[] bRows,
                        double[] c, int cOff, int rowStep, int colStep, boolean accumulate) {
        DoubleBlocked p = BUFFERS.get();
        p.a = a;
        p.b = b;
        p.c = c;
        try {
            p.loops(transA, transB, m, n, k, aOff, lda, aRows, bOff, ldb, bRows, cOff, rowStep, colStep, accumulate);
        } finally {
            p.a = null;
            p.b = null;
            p.c = null;
        }
    }

    /**
     * See {@link BlockedProduct#packRows}. A stored as is is copied a row at a time, panels by rows;
     * a transposed or gathered A, a block of {@link #PW} rows at a time, panels by columns, each
     * step of p one vector when {@code PW} is a vector's lanes (0.13 ns an element against 0.39
     * for element by element in steps of MR, measured on 256 x 256 floats).
     */
    @Override
    void packRows(boolean transA, int aOff, int lda, int[] aRows, int pc, int kc, int row, int count) {
        double[] ap = rowBuffer;
        if (transA || aRows != null) {
            for (int ib = 0; ib < count; ib += PW) {
                int rows = Math.min(PW, count - ib);
                int dst = ib * kc;
                for (int p = 0; p < kc; p++, dst += PW) {
                    int src = (aRows != null ? aOff + aRows[pc + p] : aOff + (pc + p) * lda) + row + ib;
                    if (rows == L && PW == L) {
                        DoubleVector.fromArray(S, a, src).intoArray(ap, dst);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            ap[dst + r] = a[src + r];
                        }
                        for (int r = rows; r < PW; r++) {
                            ap[dst + r] = 0.0;
                        }
                    }
                }
            }
        } else {
            for (int ir = 0; ir < count; ir += MR) {
                int mr = Math.min(MR, count - ir);
                int dst = ir * kc;
                for (int r = 0; r < mr; r++, dst += kc) {
                    System.arraycopy(a, aOff + (row + ir + r) * lda + pc, ap, dst, kc);
                }
                Arrays.fill(ap, dst, ir * kc + MR * kc, 0.0);
            }
        }
    }

    /**
     * See {@link BlockedProduct#packColumns}. A transposed B whose stored rows lie at least
     * {@link #FAR_ROWS} bytes apart is copied {@link #LINE} steps at a time, each stored row's
     * cache line read once: a panel's NR rows read side by side element by element evict one
     * another from the first-level cache when their distance is a multiple of 4 KiB (3.5 times
     * slower at 1024 floats). Rows closer together are read side by side, a step at a time, which
     * is faster for small products (32 x 32 x 32 NT: the chunks made it 0.8 times as fast).
     * (Not with the Vector API's gathers: they take an index vector of another species, and a hot
     * gather pollutes the type profiles of shared Vector API methods so that the JIT stops
     * intrinsifying the activation kernels: tanh ran 5x slower and allocated a box per vector
     * after a run of transposed products.)
     */
    @Override
    void packColumns(boolean transB, int bOff, int ldb, int[] bRows, int pc, int kc, int col, int count, int dst) {
        double[] bp = columnBuffer;
        if (!transB) {
            for (int p = 0; p < kc; p++, dst += NR) {
                int src = (bRows != null ? bOff + bRows[pc + p] : bOff + (pc + p) * ldb) + col;
                if (count == NR) {
                    for (int v = 0; v < NR; v += L) {
                        DoubleVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                    }
                } else {
                    System.arraycopy(b, src, bp, dst, count);
                    Arrays.fill(bp, dst + count, dst + NR, 0.0);
                }
            }
        } else if ((long) ldb * Double.BYTES < FAR_ROWS) {
            // rows close together: a step at a time, the panel's stored rows read side by side
            int src = bOff + col * ldb + pc;
            for (int p = 0; p < kc; p++, src++, dst += NR) {
                int q = 0;
                for (int from = src; q < count; q++, from += ldb) {
                    bp[dst + q] = b[from];
                }
                for (; q < NR; q++) {
                    bp[dst + q] = 0.0;
                }
            }
        } else {
            for (int p0 = 0; p0 < kc; p0 += LINE) {
                int steps = Math.min(LINE, kc - p0);
                int d0 = dst + p0 * NR;
                for (int q = 0; q < count; q++) {
                    int src = bOff + (col + q) * ldb + pc + p0;
                    for (int p = 0, d = d0 + q; p < steps; p++, d += NR) {
                        bp[d] = b[src + p];
                    }
                }
                for (int p = 0, d = d0; p < steps; p++, d += NR) {
                    Arrays.fill(bp, d + count, d + NR, 0.0);
                }
            }
        }
    }

    @Override
    void tile(int kc, boolean aPacked, boolean byColumns, int xb, int xs, boolean bPacked, int yb, int yp, int nv,
              int ci, int rowStep, int colStep, int count, int cols, boolean load) {
        double[] x = aPacked ? rowBuffer : a;
        double[] y = bPacked ? columnBuffer : b;
        if (count == MR && cols == nv * L && colStep == 1) {
            DoubleTiles.tile(kc, byColumns, x, xb, xs, y, yb, yp, nv, c, ci, rowStep, load);
            return;
        }
        // a ragged or transposed tile, through the tile buffer: element (r, q) is c[ci + r*rowStep + q*colStep]
        double[] t = tileBuffer;
        Arrays.fill(t, 0.0);
        if (load) {
            if (colStep == 1) {
                for (int r = 0; r < count; r++) {
                    System.arraycopy(c, ci + r * rowStep, t, r * NR, cols);
                }
            } else {
                for (int q = 0; q < cols; q++) {
                    for (int r = 0, from = ci + q * colStep; r < count; r++, from += rowStep) {
                        t[r * NR + q] = c[from];
                    }
                }
            }
        }
        DoubleTiles.tile(kc, byColumns, x, xb, xs, y, yb, yp, nv, t, 0, NR, true);
        if (colStep == 1) {
            for (int r = 0; r < count; r++) {
                System.arraycopy(t, r * NR, c, ci + r * rowStep, cols);
            }
        } else {
            for (int q = 0; q < cols; q++) {
                for (int r = 0, to = ci + q * colStep; r < count; r++, to += rowStep) {
                    c[to] = t[r * NR + q];
                }
            }
        }
    }
}
