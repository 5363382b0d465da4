package io.chainrule.core.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of the double product (see {@link VectorGemm} for the order of operations):
 * {@code C[r, q] = fma(op(A)[r, p], op(B)[p, q], C[r, q])} for {@code p = 0 .. kc-1} in order,
 * {@code r < MR}, {@code q < nv*L}, with the tile of C in vector registers ({@code MR * nv}
 * accumulators of {@code L} lanes). Per step of p, one value of op(A) per row is broadcast and
 * multiplied into the {@code nv} vectors of op(B).
 *
 * <p>op(B) is {@code y[yb + p*yp + q]} (a packed panel, {@code yp = NR}, or B where it lies).
 * op(A) is read in one of two ways, each its own set of tiles, so that the index of every scalar
 * is a loop-invariant base plus a multiple of p (the JIT then hoists the bounds checks out of
 * the loop; the general form {@code x[xb + r*xr + p*xp]} keeps them inside and runs about a
 * tenth slower): {@code cols} tiles read {@code x[xb + p*xp + r]} (a packed panel, {@code xp =
 * MR}, or a transposed A where it lies, {@code xp = lda}), {@code rows} tiles read
 * {@code x[xb + r*xr + p]} (A where it lies, {@code xr = lda}). The tile of C starts at
 * {@code c[co]} with rows {@code ldc} apart, loaded first when {@code load}, otherwise +0.0.
 *
 * <p>Shapes: 8 x 3L on 512-bit vectors (8 doubles), with 8 x 2L and 8 x L for a last panel two or
 * one vector wide; 6 x 2L otherwise. Every tile is written out in full, one method per shape:
 * the JIT keeps its accumulators in registers only when they are separate local variables.
 */
final class DoubleTiles {
    private DoubleTiles() {
    }

    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Lanes of a vector. */
    static final int L = S.length();
    /** True for 512-bit vectors, taken to mean 32 vector registers (AVX-512); otherwise 16 are assumed (AVX2). */
    static final boolean WIDE = S.vectorBitSize() >= 512;
    /** Vectors per row of the full register tile. */
    static final int NV = WIDE ? 3 : 2;
    /**
     * Rows of the register tile. MR * NV accumulators, NV vectors of the column panel and one
     * broadcast must fit the vector registers: 8 x 3 uses 28 of 32, 6 x 2 uses 15 of 16.
     * (4 x 3 on 16 registers spills and runs at half the speed.)
     */
    static final int MR = WIDE ? 8 : 6;
    /** Columns of the full register tile. */
    static final int NR = NV * L;

    /**
     * The tile of {@code nv} vectors ({@link #NV}, or with 512-bit vectors fewer for a narrow last
     * panel) for op(A) read as {@code x[xb + p*xs + r]} ({@code byColumns}) or {@code x[xb + r*xs + p]}.
     */
    static void tile(int kc, boolean byColumns, double[] x, int xb, int xs, double[] y, int yb, int yp, int nv,
                     double[] c, int co, int ldc, boolean load) {
        if (byColumns) {
            if (!WIDE) {
                cols6x2(kc, x, xb, xs, y, yb, yp, c, co, ldc, load);
            } else if (nv == 3) {
                cols8x3(kc, x, xb, xs, y, yb, yp, c, co, ldc, load);
            } else if (nv == 2) {
                cols8x2(kc, x, xb, xs, y, yb, yp, c, co, ldc, load);
            } else {
                cols8x1(kc, x, xb, xs, y, yb, yp, c, co, ldc, load);
            }
        } else {
            if (!WIDE) {
                rows6x2(kc, x, xb, xs, y, yb, yp, c, co, ldc, load);
            } else if (nv == 3) {
                rows8x3(kc, x, xb, xs, y, yb, yp, c, co, ldc, load);
            } else if (nv == 2) {
                rows8x2(kc, x, xb, xs, y, yb, yp, c, co, ldc, load);
            } else {
                rows8x1(kc, x, xb, xs, y, yb, yp, c, co, ldc, load);
            }
        }
    }

    /** The 8 x 3L tile, op(A) packed or stored transposed: {@code x[xb + p*xp + r]}; see the class comment. */
    static void cols8x3(int kc, double[] x, int xb, int xp, double[] y, int yb, int yp, double[] c, int co, int ldc, boolean load) {
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
            DoubleVector a1 = DoubleVector.broadcast(S, x[xi + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xi + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xi + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xi + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xi + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xi + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xi + 7]);
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

    /** The 8 x 2L tile, op(A) packed or stored transposed: {@code x[xb + p*xp + r]}; see the class comment. */
    static void cols8x2(int kc, double[] x, int xb, int xp, double[] y, int yb, int yp, double[] c, int co, int ldc, boolean load) {
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
            DoubleVector a1 = DoubleVector.broadcast(S, x[xi + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xi + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xi + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xi + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xi + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xi + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xi + 7]);
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

    /** The 8 x 1L tile, op(A) packed or stored transposed: {@code x[xb + p*xp + r]}; see the class comment. */
    static void cols8x1(int kc, double[] x, int xb, int xp, double[] y, int yb, int yp, double[] c, int co, int ldc, boolean load) {
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
            DoubleVector a1 = DoubleVector.broadcast(S, x[xi + 1]);
            c10 = a1.fma(b0, c10);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xi + 2]);
            c20 = a2.fma(b0, c20);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xi + 3]);
            c30 = a3.fma(b0, c30);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xi + 4]);
            c40 = a4.fma(b0, c40);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xi + 5]);
            c50 = a5.fma(b0, c50);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xi + 6]);
            c60 = a6.fma(b0, c60);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xi + 7]);
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

    /** The 6 x 2L tile, op(A) packed or stored transposed: {@code x[xb + p*xp + r]}; see the class comment. */
    static void cols6x2(int kc, double[] x, int xb, int xp, double[] y, int yb, int yp, double[] c, int co, int ldc, boolean load) {
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
            DoubleVector a1 = DoubleVector.broadcast(S, x[xi + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xi + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xi + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xi + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xi + 5]);
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

    /** The 8 x 3L tile, op(A) read in its stored rows: {@code x[xb + r*xr + p]}; see the class comment. */
    static void rows8x3(int kc, double[] x, int xb, int xr, double[] y, int yb, int yp, double[] c, int co, int ldc, boolean load) {
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
            int yi = yb + p * yp;
            DoubleVector b0 = DoubleVector.fromArray(S, y, yi);
            DoubleVector b1 = DoubleVector.fromArray(S, y, yi + L);
            DoubleVector b2 = DoubleVector.fromArray(S, y, yi + 2 * L);
            DoubleVector a0 = DoubleVector.broadcast(S, x[xb + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            DoubleVector a1 = DoubleVector.broadcast(S, x[xb + xr + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xb + 2 * xr + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xb + 3 * xr + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xb + 4 * xr + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xb + 5 * xr + p]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xb + 6 * xr + p]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xb + 7 * xr + p]);
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

    /** The 8 x 2L tile, op(A) read in its stored rows: {@code x[xb + r*xr + p]}; see the class comment. */
    static void rows8x2(int kc, double[] x, int xb, int xr, double[] y, int yb, int yp, double[] c, int co, int ldc, boolean load) {
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
            int yi = yb + p * yp;
            DoubleVector b0 = DoubleVector.fromArray(S, y, yi);
            DoubleVector b1 = DoubleVector.fromArray(S, y, yi + L);
            DoubleVector a0 = DoubleVector.broadcast(S, x[xb + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, x[xb + xr + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xb + 2 * xr + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xb + 3 * xr + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xb + 4 * xr + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xb + 5 * xr + p]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xb + 6 * xr + p]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xb + 7 * xr + p]);
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

    /** The 8 x 1L tile, op(A) read in its stored rows: {@code x[xb + r*xr + p]}; see the class comment. */
    static void rows8x1(int kc, double[] x, int xb, int xr, double[] y, int yb, int yp, double[] c, int co, int ldc, boolean load) {
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
            int yi = yb + p * yp;
            DoubleVector b0 = DoubleVector.fromArray(S, y, yi);
            DoubleVector a0 = DoubleVector.broadcast(S, x[xb + p]);
            c00 = a0.fma(b0, c00);
            DoubleVector a1 = DoubleVector.broadcast(S, x[xb + xr + p]);
            c10 = a1.fma(b0, c10);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xb + 2 * xr + p]);
            c20 = a2.fma(b0, c20);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xb + 3 * xr + p]);
            c30 = a3.fma(b0, c30);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xb + 4 * xr + p]);
            c40 = a4.fma(b0, c40);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xb + 5 * xr + p]);
            c50 = a5.fma(b0, c50);
            DoubleVector a6 = DoubleVector.broadcast(S, x[xb + 6 * xr + p]);
            c60 = a6.fma(b0, c60);
            DoubleVector a7 = DoubleVector.broadcast(S, x[xb + 7 * xr + p]);
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

    /** The 6 x 2L tile, op(A) read in its stored rows: {@code x[xb + r*xr + p]}; see the class comment. */
    static void rows6x2(int kc, double[] x, int xb, int xr, double[] y, int yb, int yp, double[] c, int co, int ldc, boolean load) {
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
            int yi = yb + p * yp;
            DoubleVector b0 = DoubleVector.fromArray(S, y, yi);
            DoubleVector b1 = DoubleVector.fromArray(S, y, yi + L);
            DoubleVector a0 = DoubleVector.broadcast(S, x[xb + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, x[xb + xr + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x[xb + 2 * xr + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x[xb + 3 * xr + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, x[xb + 4 * xr + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, x[xb + 5 * xr + p]);
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
