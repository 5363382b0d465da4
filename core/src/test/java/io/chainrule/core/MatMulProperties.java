package io.chainrule.core;

import io.chainrule.core.testing.TensorArbitraries;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigDecimal;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Tensor#matmul} against exact products, and the transposition identities.
 *
 * <p><b>Accuracy.</b> Each element of a product is a k-term sum of products. Whatever order a
 * kernel adds them in, with or without fused multiply-add, its error is at most
 * {@code gamma(k) * sum_p |a_ip| |b_pj|}; the tests
 * compare with the exact value computed in {@link BigDecimal}. See {@link Rounding#gamma}.
 *
 * <p><b>Transposes are bitwise.</b> The {@link io.chainrule.core.kernel.GemmKernel} contract fixes
 * the order of each element's sum by k alone, so the transposition flags cannot change it, and
 * {@code fma(x, y, s) == fma(y, x, s)}: the same products added in the same order. Hence the
 * identities below hold bit for bit, not just within a tolerance.
 */
class MatMulProperties {

    record Operands(Tensor a, Tensor b) {
        @Override
        public String toString() {
            return Shape.format(a.shape()) + " · " + Shape.format(b.shape()) + ": " + a + " · " + b;
        }
    }

    /** Logical operands A (…, m, k) and B (…, k, n) plus which of them to store transposed. */
    record Flagged(Tensor a, Tensor b, boolean ta, boolean tb) {
        @Override
        public String toString() {
            return Shape.format(a.shape()) + (ta ? "ᵀ" : "") + " · " + Shape.format(b.shape()) + (tb ? "ᵀ" : "");
        }
    }

    /** Rank-1 and rank-2 operands with dimensions up to 40 (now and then 0). */
    @Provide
    Arbitrary<Operands> matricesAndVectors() {
        Arbitrary<Integer> dim = TensorArbitraries.dimsOrEmpty(40);
        return Combinators.combine(dim, dim, dim, Arbitraries.of(true, false), Arbitraries.of(true, false))
                .flatAs((m, k, n, aVec, bVec) -> operands(new int[0], new int[0], m, k, n, aVec, bVec));
    }

    /** Rank 1 to 4 operands whose batch dimensions broadcast. */
    @Provide
    Arbitrary<Operands> batched() {
        Arbitrary<Integer> dim = TensorArbitraries.dimsOrEmpty(9);
        return TensorArbitraries.shapes(0, 2, 3).flatMap(batch ->
                Combinators.combine(TensorArbitraries.broadcastSources(batch),
                                TensorArbitraries.broadcastSources(batch), dim, dim, dim,
                                Arbitraries.integers().between(0, 9))
                        .flatAs((ab, bb, m, k, n, vec) ->
                                operands(ab, bb, m, k, n, vec == 0, vec == 1)));
    }

    /** Both operands of rank at least 2, batched or not. */
    @Provide
    Arbitrary<Operands> matrixBatches() {
        Arbitrary<Integer> dim = TensorArbitraries.dimsOrEmpty(12);
        return TensorArbitraries.shapes(0, 2, 3).flatMap(batch ->
                Combinators.combine(TensorArbitraries.broadcastSources(batch),
                                TensorArbitraries.broadcastSources(batch), dim, dim, dim)
                        .flatAs((ab, bb, m, k, n) -> operands(ab, bb, m, k, n, false, false)));
    }

    @Provide
    Arbitrary<Flagged> transposeFlags() {
        return matricesOrBatches().flatMap(o ->
                Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
                        .as((ta, tb) -> new Flagged(o.a(), o.b(), ta, tb)));
    }

    private Arbitrary<Operands> matricesWithoutVectors() {
        Arbitrary<Integer> dim = TensorArbitraries.dimsOrEmpty(40);
        return Combinators.combine(dim, dim, dim).flatAs((m, k, n) -> operands(new int[0], new int[0], m, k, n, false, false));
    }

    private static Arbitrary<Operands> operands(int[] aBatch, int[] bBatch, int m, int k, int n,
                                                boolean aVec, boolean bVec) {
        int[] as = aVec ? new int[] {k} : concat(aBatch, m, k);
        int[] bs = bVec ? new int[] {k} : concat(bBatch, k, n);
        return Combinators.combine(TensorArbitraries.tensors(as), TensorArbitraries.tensors(bs)).as(Operands::new);
    }

    @Property(tries = 150)
    void productOfMatricesAndVectorsIsWithinTheSummationBoundOfTheExactProduct(
            @ForAll("matricesAndVectors") Operands o) {
        assertWithinBoundOfExact(o.a(), o.b());
    }

    @Property(tries = 150)
    void batchedProductIsWithinTheSummationBoundOfTheExactProduct(@ForAll("batched") Operands o) {
        assertWithinBoundOfExact(o.a(), o.b());
    }

    /** Matrices with dimensions up to 40, or batches of rank 3 and 4 with broadcasting batch dims. */
    @Provide
    Arbitrary<Operands> matricesOrBatches() {
        return Arbitraries.oneOf(matricesWithoutVectors(), matrixBatches());
    }

    @Property(tries = 200)
    void transposeOfProductIsProductOfTransposes(@ForAll("matricesOrBatches") Operands o) {
        Tensor ab = o.a().matmul(o.b());
        Tensor btat = o.b().transpose().matmul(o.a().transpose());
        assertTrue(ab.transpose().bitwiseEquals(btat), () -> "(AB)ᵀ = " + ab.transpose() + " but BᵀAᵀ = " + btat);
    }

    @Property(tries = 200)
    void transposedOperandsEqualMaterializedTransposes(@ForAll("transposeFlags") Flagged f) {
        Tensor a = f.ta() ? stored(f.a().transpose(), 1) : f.a();
        Tensor b = f.tb() ? stored(f.b().transpose(), 2) : f.b();
        Tensor want = f.a().matmul(f.b());
        Tensor got = a.matmul(f.ta(), b, f.tb());
        assertTrue(want.bitwiseEquals(got), () -> f + ": with flags " + got + ", materialized " + want);
    }

    @Example
    void dotOfTwoVectorsIsARankZeroTensor() {
        Tensor d = Tensor.vector(1, 2, 3).matmul(Tensor.vector(4, -5, 6));
        assertArrayEquals(new int[0], d.shape());
        assertEquals(12.0, d.item());
    }

    @Example
    void productWithAnEmptyInnerDimensionIsZero() {
        Tensor c = Tensor.zeros(2, 3, 0).matmul(Tensor.zeros(0, 4));
        assertArrayEquals(new int[] {2, 3, 4}, c.shape());
        assertEquals(0.0, c.abs().sum().item());
    }

    /** A copy of {@code t} stored at an offset, so transposed operands are offset views too. */
    private static Tensor stored(Tensor t, int pad) {
        return TensorArbitraries.atOffset(t.toArray(), pad, t.shape());
    }

    private static void assertWithinBoundOfExact(Tensor a, Tensor b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        boolean aVec = as.length == 1;
        boolean bVec = bs.length == 1;
        int k = as[as.length - 1];
        int m = aVec ? 1 : as[as.length - 2];
        int n = bVec ? 1 : bs[bs.length - 1];
        int[] aBatch = aVec ? new int[0] : Arrays.copyOf(as, as.length - 2);
        int[] bBatch = bVec ? new int[0] : Arrays.copyOf(bs, bs.length - 2);
        int[] batch = RowMajor.broadcast(aBatch, bBatch);
        int[] out = batch;
        if (!aVec) {
            out = concat(out, m);
        }
        if (!bVec) {
            out = concat(out, n);
        }
        double[] aBefore = a.toArray();
        double[] bBefore = b.toArray();
        Tensor c = a.matmul(b);
        assertArrayEquals(out, c.shape(), "NumPy matmul shape");
        BigDecimal gamma = new BigDecimal(Rounding.gamma(k));
        for (int t = 0; t < RowMajor.size(batch); t++) {
            int[] bi = RowMajor.unravel(t, batch);
            int[] ai = RowMajor.sourceIndex(bi, aBatch);
            int[] bj = RowMajor.sourceIndex(bi, bBatch);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    BigDecimal sum = BigDecimal.ZERO;
                    BigDecimal magnitude = BigDecimal.ZERO;
                    for (int p = 0; p < k; p++) {
                        double x = aVec ? a.get(p) : a.get(concat(ai, i, p));
                        double y = bVec ? b.get(p) : b.get(concat(bj, p, j));
                        BigDecimal xy = new BigDecimal(x).multiply(new BigDecimal(y));
                        sum = sum.add(xy);
                        magnitude = magnitude.add(xy.abs());
                    }
                    BigDecimal exact = sum;
                    double got = c.getFlat((t * m + i) * n + j);
                    BigDecimal error = new BigDecimal(got).subtract(exact).abs();
                    BigDecimal bound = gamma.multiply(magnitude);
                    int[] where = concat(bi, i, j);
                    assertTrue(error.compareTo(bound) <= 0, () -> "element " + Arrays.toString(where) + " of "
                            + Shape.format(as) + " · " + Shape.format(bs) + " is " + got + ", exact " + exact
                            + ", error " + error.doubleValue() + " above the bound " + bound.doubleValue());
                }
            }
        }
        assertArrayEquals(aBefore, a.toArray(), "left operand unchanged");
        assertArrayEquals(bBefore, b.toArray(), "right operand unchanged");
    }

    private static int[] concat(int[] head, int... tail) {
        int[] r = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }
}
