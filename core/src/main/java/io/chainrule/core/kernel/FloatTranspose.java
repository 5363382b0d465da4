package io.chainrule.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 x 16 block of floats transposed in registers, for packing a transposed B
 * ({@link FloatBlocked#packColumns}): sixteen vector loads, four stages of lane swaps and blends,
 * sixteen vector stores. Only where a float vector has 16 lanes ({@link #AVAILABLE}); elsewhere
 * the packing copies element by element.
 *
 * <p>Stage {@code d} (1, 2, 4, 8) pairs rows {@code i} and {@code i + d} ({@code i & d == 0}) and
 * exchanges the lanes {@code l} with {@code l & d != 0} of row {@code i} with the lanes
 * {@code l - d} of row {@code i + d}; after the four stages row {@code i} holds column {@code i}.
 * Only copies: the packed values are bitwise those of an element-by-element copy. What it gains
 * is measured in {@link FloatBlocked#packColumns}.
 */
final class FloatTranspose {
    private static final VectorSpecies<Float> S = FloatTiles.S;
    /** Whether a float vector has the 16 lanes this transposition is written for. */
    static final boolean AVAILABLE = S.length() == 16;

    private static final VectorShuffle<Float> SWAP1 = AVAILABLE ? VectorShuffle.fromOp(S, l -> l ^ 1) : null;
    private static final VectorMask<Float> HIGH1 = AVAILABLE ? VectorMask.fromLong(S, 0xAAAAL) : null;
    private static final VectorShuffle<Float> SWAP2 = AVAILABLE ? VectorShuffle.fromOp(S, l -> l ^ 2) : null;
    private static final VectorMask<Float> HIGH2 = AVAILABLE ? VectorMask.fromLong(S, 0xCCCCL) : null;
    private static final VectorShuffle<Float> SWAP4 = AVAILABLE ? VectorShuffle.fromOp(S, l -> l ^ 4) : null;
    private static final VectorMask<Float> HIGH4 = AVAILABLE ? VectorMask.fromLong(S, 0xF0F0L) : null;
    private static final VectorShuffle<Float> SWAP8 = AVAILABLE ? VectorShuffle.fromOp(S, l -> l ^ 8) : null;
    private static final VectorMask<Float> HIGH8 = AVAILABLE ? VectorMask.fromLong(S, 0xFF00L) : null;

    private FloatTranspose() {
    }

    /**
     * {@code to[toOff + i*toStep + j] = from[fromOff + j*fromStep + i]} for {@code i, j < 16}.
     * Written out, one variable a row: the JIT keeps the sixteen vectors in registers.
     */
    static void block(float[] from, int fromOff, int fromStep, float[] to, int toOff, int toStep) {
        FloatVector r0 = FloatVector.fromArray(S, from, fromOff);
        FloatVector r1 = FloatVector.fromArray(S, from, fromOff + fromStep);
        FloatVector r2 = FloatVector.fromArray(S, from, fromOff + 2 * fromStep);
        FloatVector r3 = FloatVector.fromArray(S, from, fromOff + 3 * fromStep);
        FloatVector r4 = FloatVector.fromArray(S, from, fromOff + 4 * fromStep);
        FloatVector r5 = FloatVector.fromArray(S, from, fromOff + 5 * fromStep);
        FloatVector r6 = FloatVector.fromArray(S, from, fromOff + 6 * fromStep);
        FloatVector r7 = FloatVector.fromArray(S, from, fromOff + 7 * fromStep);
        FloatVector r8 = FloatVector.fromArray(S, from, fromOff + 8 * fromStep);
        FloatVector r9 = FloatVector.fromArray(S, from, fromOff + 9 * fromStep);
        FloatVector r10 = FloatVector.fromArray(S, from, fromOff + 10 * fromStep);
        FloatVector r11 = FloatVector.fromArray(S, from, fromOff + 11 * fromStep);
        FloatVector r12 = FloatVector.fromArray(S, from, fromOff + 12 * fromStep);
        FloatVector r13 = FloatVector.fromArray(S, from, fromOff + 13 * fromStep);
        FloatVector r14 = FloatVector.fromArray(S, from, fromOff + 14 * fromStep);
        FloatVector r15 = FloatVector.fromArray(S, from, fromOff + 15 * fromStep);
        FloatVector t;
        // stage 1: rows i and i + 1
        t = r0;
        r0 = t.blend(r1.rearrange(SWAP1), HIGH1);
        r1 = t.rearrange(SWAP1).blend(r1, HIGH1);
        t = r2;
        r2 = t.blend(r3.rearrange(SWAP1), HIGH1);
        r3 = t.rearrange(SWAP1).blend(r3, HIGH1);
        t = r4;
        r4 = t.blend(r5.rearrange(SWAP1), HIGH1);
        r5 = t.rearrange(SWAP1).blend(r5, HIGH1);
        t = r6;
        r6 = t.blend(r7.rearrange(SWAP1), HIGH1);
        r7 = t.rearrange(SWAP1).blend(r7, HIGH1);
        t = r8;
        r8 = t.blend(r9.rearrange(SWAP1), HIGH1);
        r9 = t.rearrange(SWAP1).blend(r9, HIGH1);
        t = r10;
        r10 = t.blend(r11.rearrange(SWAP1), HIGH1);
        r11 = t.rearrange(SWAP1).blend(r11, HIGH1);
        t = r12;
        r12 = t.blend(r13.rearrange(SWAP1), HIGH1);
        r13 = t.rearrange(SWAP1).blend(r13, HIGH1);
        t = r14;
        r14 = t.blend(r15.rearrange(SWAP1), HIGH1);
        r15 = t.rearrange(SWAP1).blend(r15, HIGH1);
        // stage 2: rows i and i + 2
        t = r0;
        r0 = t.blend(r2.rearrange(SWAP2), HIGH2);
        r2 = t.rearrange(SWAP2).blend(r2, HIGH2);
        t = r1;
        r1 = t.blend(r3.rearrange(SWAP2), HIGH2);
        r3 = t.rearrange(SWAP2).blend(r3, HIGH2);
        t = r4;
        r4 = t.blend(r6.rearrange(SWAP2), HIGH2);
        r6 = t.rearrange(SWAP2).blend(r6, HIGH2);
        t = r5;
        r5 = t.blend(r7.rearrange(SWAP2), HIGH2);
        r7 = t.rearrange(SWAP2).blend(r7, HIGH2);
        t = r8;
        r8 = t.blend(r10.rearrange(SWAP2), HIGH2);
        r10 = t.rearrange(SWAP2).blend(r10, HIGH2);
        t = r9;
        r9 = t.blend(r11.rearrange(SWAP2), HIGH2);
        r11 = t.rearrange(SWAP2).blend(r11, HIGH2);
        t = r12;
        r12 = t.blend(r14.rearrange(SWAP2), HIGH2);
        r14 = t.rearrange(SWAP2).blend(r14, HIGH2);
        t = r13;
        r13 = t.blend(r15.rearrange(SWAP2), HIGH2);
        r15 = t.rearrange(SWAP2).blend(r15, HIGH2);
        // stage 4: rows i and i + 4
        t = r0;
        r0 = t.blend(r4.rearrange(SWAP4), HIGH4);
        r4 = t.rearrange(SWAP4).blend(r4, HIGH4);
        t = r1;
        r1 = t.blend(r5.rearrange(SWAP4), HIGH4);
        r5 = t.rearrange(SWAP4).blend(r5, HIGH4);
        t = r2;
        r2 = t.blend(r6.rearrange(SWAP4), HIGH4);
        r6 = t.rearrange(SWAP4).blend(r6, HIGH4);
        t = r3;
        r3 = t.blend(r7.rearrange(SWAP4), HIGH4);
        r7 = t.rearrange(SWAP4).blend(r7, HIGH4);
        t = r8;
        r8 = t.blend(r12.rearrange(SWAP4), HIGH4);
        r12 = t.rearrange(SWAP4).blend(r12, HIGH4);
        t = r9;
        r9 = t.blend(r13.rearrange(SWAP4), HIGH4);
        r13 = t.rearrange(SWAP4).blend(r13, HIGH4);
        t = r10;
        r10 = t.blend(r14.rearrange(SWAP4), HIGH4);
        r14 = t.rearrange(SWAP4).blend(r14, HIGH4);
        t = r11;
        r11 = t.blend(r15.rearrange(SWAP4), HIGH4);
        r15 = t.rearrange(SWAP4).blend(r15, HIGH4);
        // stage 8: rows i and i + 8
        t = r0;
        r0 = t.blend(r8.rearrange(SWAP8), HIGH8);
        r8 = t.rearrange(SWAP8).blend(r8, HIGH8);
        t = r1;
        r1 = t.blend(r9.rearrange(SWAP8), HIGH8);
        r9 = t.rearrange(SWAP8).blend(r9, HIGH8);
        t = r2;
        r2 = t.blend(r10.rearrange(SWAP8), HIGH8);
        r10 = t.rearrange(SWAP8).blend(r10, HIGH8);
        t = r3;
        r3 = t.blend(r11.rearrange(SWAP8), HIGH8);
        r11 = t.rearrange(SWAP8).blend(r11, HIGH8);
        t = r4;
        r4 = t.blend(r12.rearrange(SWAP8), HIGH8);
        r12 = t.rearrange(SWAP8).blend(r12, HIGH8);
        t = r5;
        r5 = t.blend(r13.rearrange(SWAP8), HIGH8);
        r13 = t.rearrange(SWAP8).blend(r13, HIGH8);
        t = r6;
        r6 = t.blend(r14.rearrange(SWAP8), HIGH8);
        r14 = t.rearrange(SWAP8).blend(r14, HIGH8);
        t = r7;
        r7 = t.blend(r15.rearrange(SWAP8), HIGH8);
        r15 = t.rearrange(SWAP8).blend(r15, HIGH8);
        r0.intoArray(to, toOff);
        r1.intoArray(to, toOff + toStep);
        r2.intoArray(to, toOff + 2 * toStep);
        r3.intoArray(to, toOff + 3 * toStep);
        r4.intoArray(to, toOff + 4 * toStep);
        r5.intoArray(to, toOff + 5 * toStep);
        r6.intoArray(to, toOff + 6 * toStep);
        r7.intoArray(to, toOff + 7 * toStep);
        r8.intoArray(to, toOff + 8 * toStep);
        r9.intoArray(to, toOff + 9 * toStep);
        r10.intoArray(to, toOff + 10 * toStep);
        r11.intoArray(to, toOff + 11 * toStep);
        r12.intoArray(to, toOff + 12 * toStep);
        r13.intoArray(to, toOff + 13 * toStep);
        r14.intoArray(to, toOff + 14 * toStep);
        r15.intoArray(to, toOff + 15 * toStep);
    }
}
