package io.chainrule.core.testing;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.Random;

/**
 * jqwik generators of shapes and tensors, for property tests of tensor code, ops and models (the
 * ones chainrule's own properties use). Needs jqwik on the class path (an optional dependency of
 * chainrule: add {@code net.jqwik:jqwik} to your tests).
 *
 * <p>Shapes shrink towards low rank and small dimensions. Element values come from a seed (so a
 * large tensor costs one generated number) and mix Gaussians, small integers (ties for max/min),
 * signed zeros and values spread over forty binades. Every tensor is placed at a random offset in
 * a larger array whose padding holds NaN, so an operation that ignores {@link Tensor#offset()} or
 * reads past the tensor shows up as NaN in its result.
 */
public final class TensorArbitraries {
    private TensorArbitraries() {
    }

    /** Dimensions 1..max, shrinking towards 1. */
    public static Arbitrary<Integer> dims(int max) {
        return Arbitraries.integers().between(1, max);
    }

    /** Dimensions 0..max where 0 comes up about one time in twenty. */
    public static Arbitrary<Integer> dimsOrEmpty(int max) {
        return Arbitraries.frequencyOf(
                Tuple.of(19, Arbitraries.integers().between(1, max)),
                Tuple.of(1, Arbitraries.just(0)));
    }

    /** Shapes of rank minRank..maxRank with dimensions 1..maxDim. */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank, int maxDim) {
        return dims(maxDim).array(int[].class).ofMinSize(minRank).ofMaxSize(maxRank);
    }

    /** Shapes of rank minRank..maxRank with dimensions 0..maxDim (zero now and then). */
    public static Arbitrary<int[]> shapesOrEmpty(int minRank, int maxRank, int maxDim) {
        return dimsOrEmpty(maxDim).array(int[].class).ofMinSize(minRank).ofMaxSize(maxRank);
    }

    /** Finite-valued tensors of the given shape, at a random offset. */
    public static Arbitrary<Tensor> tensors(int... shape) {
        return tensors(false, shape);
    }

    /** Tensors of the given shape that may also hold NaN and infinities. */
    public static Arbitrary<Tensor> tensorsWithSpecials(int... shape) {
        return tensors(true, shape);
    }

    private static Arbitrary<Tensor> tensors(boolean specials, int[] shape) {
        int[] s = shape.clone();
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 3))
                .as((seed, pad) -> atOffset(values(seed, Shape.size(s), specials), pad, s));
    }

    /**
     * Well-conditioned tensors for gradient checks: entries uniform in [-bound, bound) drawn from
     * a generated seed, contiguous at offset 0 (no ties, zeros or extreme magnitudes to trip
     * finite differences).
     */
    public static Arbitrary<Tensor> moderate(double bound, int... shape) {
        int[] s = shape.clone();
        return Arbitraries.longs().map(seed -> Tensor.uniform(seed, -bound, bound, s));
    }

    /**
     * Tensors whose entries have magnitude in [min, max) and a random sign: away from a kink at 0
     * (relu, abs) and from a pole (division, log of |x|).
     */
    public static Arbitrary<Tensor> awayFromZero(double min, double max, int... shape) {
        int[] s = shape.clone();
        return Arbitraries.longs().map(seed -> {
            Random r = new Random(seed);
            double[] d = new double[Shape.size(s)];
            for (int i = 0; i < d.length; i++) {
                double m = min + (max - min) * r.nextDouble();
                d[i] = r.nextBoolean() ? m : -m;
            }
            return Tensor.wrap(d, s);
        });
    }

    /**
     * Shapes that broadcast to {@code target}: some leading dimensions dropped and some of the
     * remaining ones set to 1. Shrinks towards {@code target} itself.
     */
    public static Arbitrary<int[]> broadcastSources(int[] target) {
        int r = target.length;
        return Combinators.combine(
                Arbitraries.integers().between(0, r),
                Arbitraries.integers().between(0, (1 << r) - 1))
                .as((drop, ones) -> {
                    int[] s = new int[r - drop];
                    for (int i = 0; i < s.length; i++) {
                        int d = drop + i;
                        s[i] = ((ones >> d) & 1) == 1 ? 1 : target[d];
                    }
                    return s;
                });
    }

    /** {@code n} values drawn from {@code seed}; with {@code specials}, about 5% NaN or infinite. */
    public static double[] values(long seed, int n, boolean specials) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            if (specials && r.nextInt(20) == 0) {
                v[i] = new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}[r.nextInt(3)];
                continue;
            }
            int kind = r.nextInt(10);
            if (kind < 5) {
                v[i] = r.nextGaussian();
            } else if (kind < 8) {
                v[i] = r.nextInt(7) - 3;
            } else if (kind < 9) {
                v[i] = r.nextBoolean() ? 0.0 : -0.0;
            } else {
                v[i] = r.nextGaussian() * Math.scalb(1.0, r.nextInt(41) - 20);
            }
        }
        return v;
    }

    /**
     * A tensor holding {@code values} with the given shape, stored {@code pad} elements into a
     * larger array whose other elements are NaN. Built as a slice of a rank-1 tensor, so its
     * {@link Tensor#offset()} is {@code pad}.
     */
    public static Tensor atOffset(double[] values, int pad, int... shape) {
        int n = values.length;
        double[] backing = new double[pad + n + pad];
        java.util.Arrays.fill(backing, Double.NaN);
        System.arraycopy(values, 0, backing, pad, n);
        Tensor t = Tensor.wrap(backing, backing.length).slice(0, pad, pad + n).reshape(shape);
        if (t.offset() != pad) {
            throw new AssertionError("expected a view at offset " + pad + ", got " + t.offset());
        }
        return t;
    }
}
