package io.chainrule.core.kernel;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static io.chainrule.core.kernel.FloatTiles.L;
import static io.chainrule.core.kernel.FloatTiles.MR;
import static io.chainrule.core.kernel.FloatTiles.NR;
import static io.chainrule.core.kernel.FloatTiles.NV;
import static io.chainrule.core.kernel.FloatTiles.S;
import static io.chainrule.core.kernel.FloatTiles.WIDE;

/**
 * The float32 {@link BlockedProduct}: one thread's packing buffers (reused, so the steady state
 * allocates nothing) and the operands of the product it is running. {@link DoubleBlocked} line
 * for line on floats: the copies are the inner loops of packing, and Java has no generics over
 * primitive arrays that would not cost them their speed. One difference: with 16 float lanes a
 * transposed B is packed through {@link FloatTranspose}.
 */
final class FloatBlocked extends BlockedProduct {
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
    private static final int LINE = 16;
    /** Stored rows of a transposed B at least this many bytes apart are copied a cache line of steps at a time. */
    private static final int FAR_ROWS = 2048;
    /**
     * Stored rows of a transposed B at least this many bytes apart are packed through
     * {@link FloatTranspose} (with 16 float lanes): at 1 KiB the copies below took 3.2 to 3.3
     * times as long as packing B as stored (see {@link #packColumns}). Closer rows are copied
     * element by element,
     * which needs no warm-up: until the JIT compiles the transposition (1.3 s into a program of
     * 32 x 256 x 256 NT products, on a loaded machine), its vectors are objects on the heap.
     */
    private static final int TRANSPOSED_ROWS = 1024;

    private static final ThreadLocal<FloatBlocked> BUFFERS = ThreadLocal.withInitial(FloatBlocked::new);

    private final float[] rowBuffer = new float[MC * KC];
    private final float[] columnBuffer = new float[NC * KC];
    private final float[] tileBuffer = new float[MR * NR];
    private float[] a;
    private float[] b;
    private float[] c;

    private FloatBlocked() {
        super(MR, PW, NV, L, WIDE, KC, MC, NC);
    }

    /**
     * The blocked product on this thread's buffers (arguments as for {@link BlockedProduct#loops},
     * with the arrays). The arrays are let go of afterwards.
     */
    static void product(boolean transA, boolean transB, int m, int n, int k,
                        float[] a, int aOff, int lda, int[] aRows,
                        float[] b, int bOff, int ldb, int[] bRows,
                        float[] c, int cOff, int rowStep, int colStep, boolean accumulate) {
        FloatBlocked p = BUFFERS.get();
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
        float[] ap = rowBuffer;
        if (transA || aRows != null) {
            for (int ib = 0; ib < count; ib += PW) {
                int rows = Math.min(PW, count - ib);
                int dst = ib * kc;
                for (int p = 0; p < kc; p++, dst += PW) {
                    int src = (aRows != null ? aOff + aRows[pc + p] : aOff + (pc + p) * lda) + row + ib;
                    if (rows == L && PW == L) {
                        FloatVector.fromArray(S, a, src).intoArray(ap, dst);
                    } else {
                        for (int r = 0; r < rows; r++) {
                            ap[dst + r] = a[src + r];
                        }
                        for (int r = rows; r < PW; r++) {
                            ap[dst + r] = 0.0f;
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
                Arrays.fill(ap, dst, ir * kc + MR * kc, 0.0f);
            }
        }
    }

    /**
     * See {@link BlockedProduct#packColumns}. With 16 float lanes a transposed B whose stored rows
     * lie at least {@link #TRANSPOSED_ROWS} bytes apart is packed in blocks of 16 x 16 transposed
     * in registers ({@link FloatTranspose}: a block's 16 stored rows read a cache line each), what
     * is left of a panel (fewer than 16 columns or steps) element by element. Float32 256³, one
     * JVM ({@code TransposedPackingProbe} in the tests, two runs a build): NT took 1.07 times as
     * long as NN, against 1.11 to 1.15 with the copies below; its packing 2.0 to 2.2 times NN's,
     * against 3.2 to 3.3. Otherwise, a transposed B whose stored rows lie at least
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
        float[] bp = columnBuffer;
        if (!transB) {
            for (int p = 0; p < kc; p++, dst += NR) {
                int src = (bRows != null ? bOff + bRows[pc + p] : bOff + (pc + p) * ldb) + col;
                if (count == NR) {
                    for (int v = 0; v < NR; v += L) {
                        FloatVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                    }
                } else {
                    System.arraycopy(b, src, bp, dst, count);
                    Arrays.fill(bp, dst + count, dst + NR, 0.0f);
                }
            }
        } else if (FloatTranspose.AVAILABLE && (long) ldb * Float.BYTES >= TRANSPOSED_ROWS) {
            // whole blocks of L x L transposed in registers, the rest a step at a time
            int wholeColumns = count / L * L;
            int wholeSteps = kc / L * L;
            for (int q = 0; q < wholeColumns; q += L) {
                int src = bOff + (col + q) * ldb + pc;
                for (int p = 0; p < wholeSteps; p += L) {
                    FloatTranspose.block(b, src + p, ldb, bp, dst + p * NR + q, NR);
                }
            }
            int src = bOff + col * ldb + pc;
            for (int p = 0; p < kc; p++, src++, dst += NR) {
                int q = p < wholeSteps ? wholeColumns : 0;
                for (int from = src + q * ldb; q < count; q++, from += ldb) {
                    bp[dst + q] = b[from];
                }
                for (; q < NR; q++) {
                    bp[dst + q] = 0.0f;
                }
            }
        } else if ((long) ldb * Float.BYTES < FAR_ROWS) {
            // rows close together: a step at a time, the panel's stored rows read side by side
            int src = bOff + col * ldb + pc;
            for (int p = 0; p < kc; p++, src++, dst += NR) {
                int q = 0;
                for (int from = src; q < count; q++, from += ldb) {
                    bp[dst + q] = b[from];
                }
                for (; q < NR; q++) {
                    bp[dst + q] = 0.0f;
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
                    Arrays.fill(bp, d + count, d + NR, 0.0f);
                }
            }
        }
    }

    @Override
    void tile(int kc, boolean aPacked, boolean byColumns, int xb, int xs, boolean bPacked, int yb, int yp, int nv,
              int ci, int rowStep, int colStep, int count, int cols, boolean load) {
        float[] x = aPacked ? rowBuffer : a;
        float[] y = bPacked ? columnBuffer : b;
        if (count == MR && cols == nv * L && colStep == 1) {
            FloatTiles.tile(kc, byColumns, x, xb, xs, y, yb, yp, nv, c, ci, rowStep, load);
            return;
        }
        // a ragged or transposed tile, through the tile buffer: element (r, q) is c[ci + r*rowStep + q*colStep]
        float[] t = tileBuffer;
        Arrays.fill(t, 0.0f);
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
        FloatTiles.tile(kc, byColumns, x, xb, xs, y, yb, yp, nv, t, 0, NR, true);
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
