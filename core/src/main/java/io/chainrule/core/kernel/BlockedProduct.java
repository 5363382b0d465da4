package io.chainrule.core.kernel;

/**
 * The blocked product of {@link VectorGemm}, shared by both precisions: the loop nest of packed
 * kernels and the choice of operands read where they lie. A subclass holds one precision's arrays
 * and buffers, packs panels and runs register tiles ({@link DoubleBlocked}, {@link FloatBlocked}).
 *
 * <p>Loop order: blocks of {@code nc} columns, {@code kc} steps of p, {@code mc} rows, then
 * panels of {@code nr} columns and {@code mr} rows. op(A) is packed a block of rows at a time
 * (see {@link #packRows}), op(B) a panel at a time into {@code nr} columns (row p holds the
 * {@code nr} values step p needs), during the first block of rows, right before its first use,
 * so that it is still in the first-level cache when the tiles read it. With one block of rows
 * the panels of op(B) are not used again: each is packed over the one before.
 *
 * <p>Packing pays when a panel is reused by many panels of the other operand, and costs as much
 * as the arithmetic for the products a recurrent step makes. So op(A) is read where it lies when
 * C has at most {@link #FEW_COLUMNS} columns, and a B stored as is when C has at most
 * {@link #FEW_ROWS} rows (ragged panels and a transposed B are still packed). The order of
 * operations is the same either way. (Measured with {@code benchmarks/peer/matmul.py}'s Java side,
 * alternating builds: reading A in place up to 256 columns rather than 96 made 256³ 1.03 to 1.05
 * times as fast in both precisions, and h·W_hhᵀ with 96 rows 1.04 to 1.14; reading B in place up
 * to 64 rows rather than 32 made 64 x 256 x 256 1.08 to 1.15 times as fast; packing B for 32 rows
 * made 32 x 1024 x 1024 0.8 times as fast.)
 *
 * <p>Element (i, j) of the result goes to {@code c[cOff + i*rowStep + j*colStep]}: with
 * {@code colStep != 1} the product is written transposed, through the tile buffer, once per
 * block of steps; such a product with A read in place takes {@link #TRANSPOSED_STEPS} times the
 * usual steps at a time (h·W_hhᵀ at H = 1024 ran 1.15 times as fast in float64, 1.4 in float32).
 */
abstract class BlockedProduct {
    /** op(A) is read where it lies, not packed, when C has at most this many columns. */
    static final int FEW_COLUMNS = 256;
    /** A B stored as is is read where it lies, not packed, when C has at most this many rows. */
    static final int FEW_ROWS = 64;
    /** How many times the usual block of steps a product written transposed, A read in place, takes at a time. */
    static final int TRANSPOSED_STEPS = 4;

    private final int mr;
    private final int pw;
    private final int nr;
    private final int lanes;
    private final int fullVectors;
    private final boolean narrowPanels;
    private final int kcMax;
    private final int mcMax;
    private final int ncMax;

    /**
     * A loop nest for register tiles of {@code mr x fullVectors*lanes} ({@code narrowPanels}: a
     * last panel of whole vectors gets a tile of that many vectors), op(A) packed by columns in
     * blocks of {@code pw} rows (a multiple of mr), and blocks of {@code kc} steps, {@code mc}
     * rows (a multiple of pw) and {@code nc} columns (of nr).
     */
    BlockedProduct(int mr, int pw, int fullVectors, int lanes, boolean narrowPanels, int kc, int mc, int nc) {
        this.mr = mr;
        this.pw = pw;
        this.fullVectors = fullVectors;
        this.lanes = lanes;
        this.nr = fullVectors * lanes;
        this.narrowPanels = narrowPanels;
        this.kcMax = kc;
        this.mcMax = mc;
        this.ncMax = nc;
        // the longest blocks (a transposed product, A in place) must fit the buffers: the ragged
        // panel of A in the row buffer, every panel of op(B) in the column buffer
        long steps = (long) TRANSPOSED_STEPS * kc;
        if (steps * Math.max(mr, pw) > (long) mc * kc || steps * nr * (FEW_COLUMNS / nr + 2) > (long) nc * kc) {
            throw new IllegalStateException("blocks of " + steps + " steps do not fit buffers of " + mc + " x " + kc
                    + " and " + nc + " x " + kc);
        }
    }

    /**
     * Packs {@code op(A)[row .. row+count, pc .. pc+kc]} from the start of the row buffer; missing
     * rows are 0. A stored as is goes by rows: the panel of rows {@code t*mr ..} starts at
     * {@code t*mr*kc} and holds {@code op(A)[row+t*mr+r, pc+p]} at {@code r*kc + p}. A transposed
     * (or gathered) A goes by columns, in blocks of {@code pw} rows: block {@code t} starts at
     * {@code t*pw*kc} and holds {@code op(A)[row+t*pw+r, pc+p]} at {@code p*pw + r}. With
     * {@code aRows}, A is stored transposed and its row {@code p} starts at {@code aOff + aRows[p]}.
     */
    abstract void packRows(boolean transA, int aOff, int lda, int[] aRows, int pc, int kc, int row, int count);

    /**
     * Packs {@code op(B)[pc .. pc+kc, col .. col+count]} at {@code dst} of the column buffer:
     * {@code op(B)[pc+p, col+q]} goes to {@code dst + p*nr + q}; columns {@code count .. nr} are 0.
     * With {@code bRows}, B is stored as is and its row {@code p} starts at {@code bOff + bRows[p]}.
     */
    abstract void packColumns(boolean transB, int bOff, int ldb, int[] bRows, int pc, int kc, int col, int count,
                              int dst);

    /**
     * One tile: {@code count x cols} elements of C from {@code c[ci]} ({@code rowStep},
     * {@code colStep} apart), of {@code nv} vectors; op(A) from the row buffer ({@code aPacked})
     * or from A, read as {@code x[xb + p*xs + r]} ({@code byColumns}) or {@code x[xb + r*xs + p]};
     * op(B) from the column buffer ({@code bPacked}) or from B, {@code y[yb + p*yp + q]}.
     */
    abstract void tile(int kc, boolean aPacked, boolean byColumns, int xb, int xs, boolean bPacked, int yb, int yp,
                       int nv, int ci, int rowStep, int colStep, int count, int cols, boolean load);

    /**
     * The width of the next panel when {@code rest} columns are left: {@code nr}, or all that is
     * left when less. With narrow panels, 4 vectors left are taken as 2 and 2 rather than 3 and 1
     * (a tile of one vector broadcasts a value per fused multiply-add, and runs at about half the
     * speed of one of 3): a product 256 floats wide is 5 panels of 3 vectors and 1 of 1 otherwise.
     */
    private int panelWidth(int rest) {
        if (narrowPanels && fullVectors == 3 && rest == 4 * lanes) {
            return 2 * lanes;
        }
        return Math.min(nr, rest);
    }

    /** The product on the operands the subclass holds (see the class comment). */
    final void loops(boolean transA, boolean transB, int m, int n, int k, int aOff, int lda, int[] aRows,
                     int bOff, int ldb, int[] bRows, int cOff, int rowStep, int colStep, boolean accumulate) {
        boolean directA = aRows == null && n <= FEW_COLUMNS;
        boolean directAllB = bRows == null && !transB && m <= FEW_ROWS;
        boolean oneBlockOfRows = m <= mcMax;
        // a product written transposed goes through the tile buffer once per block of steps: with
        // A read where it lies (so no row panels to hold) and few columns, blocks twice as long fit
        // the buffers, and h·W_hhᵀ at H = 1024 ran 1.1 to 1.2 times as fast with them
        int steps = colStep != 1 && directA ? TRANSPOSED_STEPS * kcMax : kcMax;
        int mrFull = m / mr * mr;
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += steps) {
                int kc = Math.min(steps, k - pc);
                boolean load = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += mcMax) {
                    int mc = Math.min(mcMax, m - ic);
                    if (!directA) {
                        packRows(transA, aOff, lda, aRows, pc, kc, ic, mc);
                    } else if (ic + mc > mrFull) {
                        // the ragged last panel, packed at the start of the buffer
                        packRows(transA, aOff, lda, null, pc, kc, mrFull, m - mrFull);
                    }
                    for (int jr = 0, cols, panel = 0; jr < nc; jr += cols, panel++) {
                        cols = panelWidth(nc - jr);
                        int nv = narrowPanels ? (cols + lanes - 1) / lanes : fullVectors;
                        boolean directB = directAllB && nv * lanes == cols;
                        int dst = oneBlockOfRows ? 0 : panel * nr * kc;
                        if (!directB && ic == 0) {
                            packColumns(transB, bOff, ldb, bRows, pc, kc, jc + jr, cols, dst);
                        }
                        int yb = directB ? bOff + pc * ldb + jc + jr : dst;
                        int yp = directB ? ldb : nr;
                        for (int ir = 0; ir < mc; ir += mr) {
                            int count = Math.min(mr, mc - ir);
                            int row = ic + ir;
                            boolean inPlace = directA && count == mr;
                            boolean byColumns = transA || aRows != null;
                            int xb;
                            int xs;
                            if (!inPlace) {
                                int at = directA ? 0 : ir; // the ragged panel of a direct A is packed alone
                                xb = byColumns ? at / pw * pw * kc + at % pw : at * kc;
                                xs = byColumns ? pw : kc;
                            } else {
                                xb = aOff + (transA ? pc * lda + row : row * lda + pc);
                                xs = lda;
                            }
                            tile(kc, !inPlace, byColumns, xb, xs, !directB, yb, yp, nv,
                                    cOff + row * rowStep + (jc + jr) * colStep, rowStep, colStep, count, cols, load);
                        }
                    }
                }
            }
        }
    }
}
