package io.chainrule.core;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.random.AbstractRandomGenerator;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

import static io.chainrule.core.Rounding.assertSameBits;
import static io.chainrule.core.ShapeErrorTest.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Factory methods: constant fills, arange, seeded random tensors and matrix().
 *
 * <p><b>Statistical bounds.</b> The random tests draw fixed seeds, so they are deterministic; the
 * bounds say why a correct generator passes for any seed. Each moment check allows 6 standard
 * errors (a correct generator exceeds that with probability below 2e-9 per check), and each
 * Kolmogorov-Smirnov test requires p > 1e-6. A wrong scale (std^2 for std), a shifted mean or a
 * wrong distribution with the right moments misses these by orders of magnitude at N = 100 000.
 */
class CreationTest {

    private static final int N = 100_000;
    private static final long[] SEEDS = {1L, 42L, -7_000_000_001L};

    @Test
    void constantFillsSetEveryElement() {
        for (int[] s : new int[][] {{}, {0}, {3}, {2, 0, 4}, {2, 3, 4}}) {
            Tensor z = Tensor.zeros(s);
            Tensor o = Tensor.ones(s);
            Tensor f = Tensor.full(-0.0, s);
            Tensor nan = Tensor.full(Double.NaN, s);
            for (Tensor t : new Tensor[] {z, o, f, nan}) {
                assertArrayEquals(s, t.shape());
                assertEquals(RowMajor.size(s), t.size());
            }
            for (int i = 0; i < z.size(); i++) {
                assertSameBits(0.0, z.getFlat(i), "zeros");
                assertSameBits(1.0, o.getFlat(i), "ones");
                assertSameBits(-0.0, f.getFlat(i), "full(-0.0)");
                assertTrue(Double.isNaN(nan.getFlat(i)), "full(NaN)");
            }
        }
        Tensor like = Tensor.zerosLike(Tensor.full(5.0, 2, 3));
        assertArrayEquals(new int[] {2, 3}, like.shape());
        assertEquals(0.0, like.abs().sum().item());
    }

    @Test
    void arangeCountsFromZero() {
        Tensor t = Tensor.arange(7);
        assertArrayEquals(new int[] {7}, t.shape());
        for (int i = 0; i < 7; i++) {
            assertEquals(i, t.getFlat(i));
        }
        assertArrayEquals(new int[] {0}, Tensor.arange(0).shape());
    }

    @Test
    void scalarVectorAndOfCopyTheirInputWhileWrapSharesIt() {
        double[] v = {1, 2, 3, 4, 5, 6};
        Tensor of = Tensor.of(v, 2, 3);
        Tensor vector = Tensor.vector(v);
        Tensor wrap = Tensor.wrap(v, 3, 2);
        v[0] = 99;
        assertEquals(1.0, of.get(0, 0));
        assertEquals(1.0, vector.get(0));
        assertEquals(99.0, wrap.get(0, 0));
        assertEquals(6.0, of.get(1, 2));
        assertArrayEquals(new int[0], Tensor.scalar(2.5).shape());
        assertEquals(2.5, Tensor.scalar(2.5).item());
    }

    @Test
    void matrixTakesRowsInOrderAndCopiesThem() {
        double[][] rows = {{1, 2, 3}, {4, 5, 6}};
        Tensor m = Tensor.matrix(rows);
        rows[1][2] = 99;
        assertArrayEquals(new int[] {2, 3}, m.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, m.toArray());
        assertArrayEquals(new int[] {0, 0}, Tensor.matrix(new double[0][]).shape());
        assertArrayEquals(new int[] {2, 0}, Tensor.matrix(new double[2][0]).shape());
    }

    @Test
    void matrixWithRaggedRowsNamesTheRowAndBothLengths() {
        assertRejected(() -> Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5}}), "row 1", "length 2", "length 3");
        assertRejected(() -> Tensor.matrix(new double[][] {{1}, {2}, {3, 4}}), "row 2", "length 2", "length 1");
        assertRejected(() -> Tensor.matrix(null), "null");
    }

    @Test
    void randnWithTheSameSeedIsTheSameTensor() {
        Tensor a = Tensor.randn(123L, 0.5, 3, 4, 5);
        assertArrayEquals(new int[] {3, 4, 5}, a.shape());
        assertTrue(a.bitwiseEquals(Tensor.randn(123L, 0.5, 3, 4, 5)));
        assertTrue(a.bitwiseEquals(Tensor.randn(new Well19937c(123L), 0.5, 3, 4, 5)), "seed overload = Well19937c(seed)");
        assertFalse(a.bitwiseEquals(Tensor.randn(124L, 0.5, 3, 4, 5)), "another seed, another tensor");
        // the same draws, scaled: std multiplies each standard normal exactly once
        assertTrue(Tensor.randn(123L, 1.0, 3, 4, 5).mul(0.5).bitwiseEquals(a));
        // consecutive calls on one generator continue its stream
        RandomGenerator rng = new Well19937c(9L);
        Tensor first = Tensor.randn(rng, 1.0, 4);
        Tensor second = Tensor.randn(rng, 1.0, 4);
        assertTrue(Tensor.randn(9L, 1.0, 8).bitwiseEquals(Tensor.concat(0, first, second)));
    }

    @Test
    void randnHasTheRequestedMeanStdAndNormalShape() {
        double std = 2.5;
        for (long seed : SEEDS) {
            double[] x = Tensor.randn(seed, std, N).toArray();
            double mean = 0;
            double meanSquare = 0;
            for (double v : x) {
                mean += v / N;
                meanSquare += v * v / N;
            }
            // mean of N draws: standard error std / sqrt(N)
            double meanBound = 6 * std / Math.sqrt(N);
            double m = mean;
            assertTrue(Math.abs(mean) <= meanBound, () -> "seed " + seed + ": mean " + m + ", bound " + meanBound);
            // mean of x^2 estimates std^2 with variance 2 std^4 / N for normal x
            double varBound = 6 * std * std * Math.sqrt(2.0 / N);
            double v2 = meanSquare;
            assertTrue(Math.abs(meanSquare - std * std) <= varBound,
                    () -> "seed " + seed + ": mean square " + v2 + ", want " + std * std + " +- " + varBound);
            double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new NormalDistribution(null, 0, std), x);
            assertTrue(p > 1e-6, () -> "seed " + seed + ": Kolmogorov-Smirnov p = " + p + " against N(0, std^2)");
        }
    }

    @Test
    void uniformWithTheSameSeedIsTheSameTensor() {
        Tensor a = Tensor.uniform(5L, -2.0, 3.0, 4, 6);
        assertArrayEquals(new int[] {4, 6}, a.shape());
        assertTrue(a.bitwiseEquals(Tensor.uniform(5L, -2.0, 3.0, 4, 6)));
        assertTrue(a.bitwiseEquals(Tensor.uniform(new Well19937c(5L), -2.0, 3.0, 4, 6)));
        assertFalse(a.bitwiseEquals(Tensor.uniform(6L, -2.0, 3.0, 4, 6)));
    }

    @Test
    void uniformLiesInTheHalfOpenIntervalWithTheRightMeanAndShape() {
        double lo = -2.0;
        double hi = 3.0;
        for (long seed : SEEDS) {
            double[] x = Tensor.uniform(seed, lo, hi, N).toArray();
            double mean = 0;
            for (double v : x) {
                assertTrue(lo <= v && v < hi, () -> v + " outside [" + lo + ", " + hi + ")");
                mean += v / N;
            }
            // standard error of the mean: (hi - lo) / sqrt(12 N)
            double bound = 6 * (hi - lo) / Math.sqrt(12.0 * N);
            double m = mean;
            assertTrue(Math.abs(mean - (lo + hi) / 2) <= bound, () -> "mean " + m + ", bound " + bound);
            double p = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new UniformRealDistribution(null, lo, hi), x);
            assertTrue(p > 1e-6, () -> "seed " + seed + ": Kolmogorov-Smirnov p = " + p + " against U(lo, hi)");
        }
    }

    @Test
    void uniformRejectsReversedBoundsAndAllowsAnEmptyWidth() {
        assertRejected(() -> Tensor.uniform(1L, 2.0, 1.0, 3), "lo=2.0", "hi=1.0");
        assertRejected(() -> Tensor.uniform(1L, Double.NaN, 1.0, 3), "NaN");
        Tensor t = Tensor.uniform(1L, 0.5, 0.5, 3);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, t.toArray());
    }

    /**
     * lo + (hi - lo) u rounds up to hi for u close enough to 1: with the largest double below 1,
     * 1 + (2 - 1) u lies exactly between 2 - 2^-52 and 2 and rounds (to even) to 2.
     */
    @Test
    void uniformNeverReturnsHiEvenWhenTheSumRoundsUp() {
        RandomGenerator top = new AbstractRandomGenerator() {
            @Override
            public void setSeed(long seed) {
            }

            @Override
            public double nextDouble() {
                return Math.nextDown(1.0);
            }
        };
        assertEquals(Math.nextDown(2.0), Tensor.uniform(top, 1.0, 2.0, 1).item());
        assertEquals(Math.nextDown(-1.0), Tensor.uniform(top, -3.0, -1.0, 1).item());
    }

    /** Not a corner case: when lo is large against hi - lo, a real generator hits hi often. */
    @Test
    void uniformOnANarrowIntervalFarFromZeroStaysBelowHi() {
        double lo = 1e15;
        double hi = lo + 1; // ulp(1e15) = 0.125, so lo + u rounds to hi for u > 1 - 1/16
        double[] x = Tensor.uniform(3L, lo, hi, 1000).toArray();
        for (double v : x) {
            assertTrue(lo <= v && v < hi, () -> v + " outside [" + lo + ", " + hi + ")");
        }
    }

    @Test
    void uniformRejectsInfiniteBounds() {
        assertRejected(() -> Tensor.uniform(1L, Double.NEGATIVE_INFINITY, 0.0, 3), "-Infinity");
        assertRejected(() -> Tensor.uniform(1L, 0.0, Double.POSITIVE_INFINITY, 3), "Infinity");
        assertRejected(() -> Tensor.uniform(1L, -Double.MAX_VALUE, Double.MAX_VALUE, 3), "finite");
    }
}
