package io.chainrule.core;

import io.chainrule.core.testing.TensorArbitraries;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.chainrule.core.Rounding.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sum, mean, max and min over axis subsets against naive loops, bit for bit.
 *
 * <p>The reference semantics: a sum is the left fold of its terms in row-major order (so a sum of
 * one term is that term, and an empty sum is +0.0); mean is that sum divided by the number of
 * terms; max and min fold {@link Math#max} and {@link Math#min} (NaN wins, +0.0 is above -0.0),
 * the same rules as {@link Tensor#maximum}, {@link Tensor#maxValue} and their min counterparts.
 */
class ReduceProperties {

    enum Op { SUM, MEAN, MAX, MIN }

    /** A tensor, the axes to reduce as passed (possibly negative, in any order), and keepDims. */
    record Reduction(Tensor t, int[] axes, boolean keepDims) {
        @Override
        public String toString() {
            return t + " over axes " + Arrays.toString(axes) + (keepDims ? " keeping dims" : "");
        }
    }

    @Provide
    Arbitrary<Reduction> reductions() {
        return TensorArbitraries.shapesOrEmpty(0, 4, 5).flatMap(shape -> {
            int r = shape.length;
            return Combinators.combine(
                    TensorArbitraries.tensorsWithSpecials(shape),
                    Arbitraries.integers().between(0, (1 << r) - 1),
                    Arbitraries.longs(),
                    Arbitraries.of(true, false))
                    .as((t, mask, seed, keep) -> new Reduction(t, axes(mask, r, seed), keep));
        });
    }

    /** The axes set in {@code mask}, each written negative or not at random, in random order. */
    private static int[] axes(int mask, int rank, long seed) {
        Random rnd = new Random(seed);
        List<Integer> list = new ArrayList<>();
        for (int a = 0; a < rank; a++) {
            if (((mask >> a) & 1) == 1) {
                list.add(rnd.nextBoolean() ? a - rank : a);
            }
        }
        Collections.shuffle(list, rnd);
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    @Property(tries = 500)
    void reductionsEqualNaiveLoopsOverTheSameAxes(@ForAll("reductions") Reduction c) {
        for (Op op : Op.values()) {
            double[] before = c.t().toArray();
            Tensor want = naive(c.t(), c.axes(), c.keepDims(), op);
            if (want == null) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> reduce(c.t(), c.axes(), c.keepDims(), op), op + " over an empty axis");
                assertTrue(e.getMessage().contains(Shape.format(c.t().shape())), e.getMessage());
                continue;
            }
            Tensor got = reduce(c.t(), c.axes(), c.keepDims(), op);
            assertArrayEquals(want.shape(), got.shape(), op + " result shape");
            for (int i = 0; i < want.size(); i++) {
                assertSameBits(want.getFlat(i), got.getFlat(i),
                        op + " at " + Arrays.toString(RowMajor.unravel(i, want.shape())));
            }
            assertArrayEquals(before, c.t().toArray(), "input unchanged");
        }
    }

    @Property(tries = 300)
    void reducingEveryAxisAgreesWithTheWholeTensorReductions(@ForAll("reductions") Reduction c) {
        Tensor t = c.t();
        int[] all = new int[t.rank()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        assertSameBits(t.sum().item(), t.sum(all, false).item(), "sum()");
        if (t.size() > 0) {
            assertSameBits(t.mean().item(), t.mean(all, false).item(), "mean()");
            assertSameBits(t.maxValue(), t.max(all, false).item(), "maxValue()");
            assertSameBits(t.minValue(), t.min(all, false).item(), "minValue()");
        }
    }

    private static Tensor reduce(Tensor t, int[] axes, boolean keepDims, Op op) {
        switch (op) {
            case SUM: return t.sum(axes, keepDims);
            case MEAN: return t.mean(axes, keepDims);
            case MAX: return t.max(axes, keepDims);
            default: return t.min(axes, keepDims);
        }
    }

    /** The reduction by definition, or null if it is undefined (mean, max or min of no terms). */
    static Tensor naive(Tensor t, int[] axes, boolean keepDims, Op op) {
        int[] shape = t.shape();
        int r = shape.length;
        boolean[] reduced = new boolean[r];
        for (int a : axes) {
            reduced[a < 0 ? a + r : a] = true;
        }
        int[] kept = new int[r];
        int terms = 1;
        for (int i = 0; i < r; i++) {
            kept[i] = reduced[i] ? 1 : shape[i];
            terms *= reduced[i] ? shape[i] : 1;
        }
        if (terms == 0 && op != Op.SUM) {
            return null;
        }
        double init = op == Op.MAX ? Double.NEGATIVE_INFINITY : op == Op.MIN ? Double.POSITIVE_INFINITY : -0.0;
        double[] acc = new double[RowMajor.size(kept)];
        Arrays.fill(acc, terms == 0 ? 0.0 : init);
        for (int i = 0; i < t.size(); i++) {
            int[] idx = RowMajor.unravel(i, shape);
            for (int d = 0; d < r; d++) {
                if (reduced[d]) {
                    idx[d] = 0;
                }
            }
            int o = RowMajor.ravel(idx, kept);
            double v = t.getFlat(i);
            switch (op) {
                case SUM:
                case MEAN:
                    acc[o] += v;
                    break;
                case MAX:
                    acc[o] = Math.max(acc[o], v);
                    break;
                default:
                    acc[o] = Math.min(acc[o], v);
            }
        }
        if (op == Op.MEAN) {
            for (int o = 0; o < acc.length; o++) {
                acc[o] /= terms;
            }
        }
        if (keepDims) {
            return Tensor.wrap(acc, kept);
        }
        int[] dropped = new int[r];
        int m = 0;
        for (int i = 0; i < r; i++) {
            if (!reduced[i]) {
                dropped[m++] = shape[i];
            }
        }
        return Tensor.wrap(acc, Arrays.copyOf(dropped, m));
    }

    /**
     * Summing the rows of a tall matrix into one (a bias gradient over all time steps) is folded in
     * blocks of rows by the product kernel; the result is still bitwise the left fold from -0.0,
     * across block boundaries (2500 rows), for sum and mean, on one thread and on two.
     */
    @Example
    void summingManyRowsIntoOneIsTheLeftFoldBitForBit() {
        int rows = 2500;
        int cols = 37;
        Tensor x = Tensor.randn(7, 1.0, rows, cols);
        x.setInPlace(-0.0, 3, 0);
        double[] want = new double[cols];
        Arrays.fill(want, -0.0);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                want[j] += x.get(i, j);
            }
        }
        int before = Parallelism.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallelism.setThreads(threads);
                Tensor sum = x.sum(new int[] {0}, false);
                Tensor mean = x.reshape(50, 50, cols).mean(new int[] {0, 1}, true);
                for (int j = 0; j < cols; j++) {
                    assertSameBits(want[j], sum.get(j), "sum, column " + j + ", " + threads + " threads");
                    assertSameBits(want[j] / rows, mean.get(0, 0, j), "mean, column " + j + ", " + threads + " threads");
                }
            }
        } finally {
            Parallelism.setThreads(before);
        }
        // one row of -0.0 sums to -0.0, as the fold from -0.0 does
        assertSameBits(-0.0, Tensor.full(-0.0, 1, 3).sum(new int[] {0}, false).get(2), "a single -0.0");
    }
}
