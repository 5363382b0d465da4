package io.chainrule.core;

import org.junit.jupiter.api.Test;

import static io.chainrule.core.Rounding.assertSameBits;

/**
 * Regression cases for the sign of zero in reductions, shrunk from failing property samples.
 * A sum is the left fold of its terms, so summing one -0.0 gives -0.0 and summing nothing +0.0;
 * max and min follow {@link Math#max} and {@link Math#min}, which rank -0.0 below +0.0.
 */
class SignedZeroTest {

    /** ReduceProperties.reductionsEqualNaiveLoopsOverTheSameAxes, seed 7482309524741246424. */
    @Test
    void sumOverNoAxesIsTheIdentityEvenForNegativeZero() {
        Tensor t = Tensor.vector(-0.0, -0.2659156285970381, 186.55657179063985);
        Tensor s = t.sum(new int[0], true);
        assertSameBits(-0.0, s.getFlat(0), "sum over no axes");
        assertSameBits(-0.0, t.mean(new int[0], false).getFlat(0), "mean over no axes");
    }

    /** ReduceProperties.reducingEveryAxisAgreesWithTheWholeTensorReductions, seed -8223543764238520087. */
    @Test
    void wholeTensorSumOfARankZeroNegativeZeroIsNegativeZero() {
        Tensor t = Tensor.scalar(-0.0);
        assertSameBits(-0.0, t.sum().item(), "sum()");
        assertSameBits(-0.0, t.sum(new int[0], false).item(), "sum over no axes");
    }

    /** BroadcastProperties.sumToAddsEveryElementIntoItsBroadcastSource, seed 6862572223600141319. */
    @Test
    void sumOfNegativeZerosIsNegativeZeroAlongAnAxis() {
        Tensor t = Tensor.of(new double[] {-0.0, 1, -0.0, -0.0, 2, -0.0}, 2, 3);
        Tensor s = t.sum(0, false);
        assertSameBits(-0.0, s.getFlat(0), "column 0");
        assertSameBits(-0.0, s.getFlat(2), "column 2");
        assertSameBits(-0.0, t.sumTo(1, 3).getFlat(0), "sumTo column 0");
        assertSameBits(-0.0, Tensor.vector(-0.0, -0.0).sum().item(), "sum()");
    }

    @Test
    void emptySumsArePositiveZero() {
        assertSameBits(0.0, Tensor.zeros(0).sum().item(), "sum() of nothing");
        Tensor s = Tensor.zeros(2, 0).sum(1, false);
        assertSameBits(0.0, s.getFlat(0), "sum over an empty axis");
        assertSameBits(0.0, Tensor.zeros(1, 0).sumTo(1, 1).item(), "sumTo over an empty axis");
    }

    /** ReduceProperties.reductionsEqualNaiveLoopsOverTheSameAxes, seed -4631627039908163748. */
    @Test
    void maxRanksPositiveZeroAboveNegativeZeroWhicheverComesFirst() {
        Tensor t = Tensor.of(new double[] {-0.0, 0.0, 0.0, -0.0}, 2, 2);
        Tensor max = t.max(new int[] {0}, false);
        assertSameBits(0.0, max.getFlat(0), "max of [-0.0, 0.0]");
        assertSameBits(0.0, max.getFlat(1), "max of [0.0, -0.0]");
        Tensor min = t.min(new int[] {-2}, true);
        assertSameBits(-0.0, min.getFlat(0), "min of [-0.0, 0.0]");
        assertSameBits(-0.0, min.getFlat(1), "min of [0.0, -0.0]");
        assertSameBits(t.maxValue(), t.max(new int[] {0, 1}, false).item(), "max over all axes vs maxValue()");
        assertSameBits(t.minValue(), t.min(new int[] {0, 1}, false).item(), "min over all axes vs minValue()");
        assertSameBits(0.0, Tensor.vector(-0.0, 0.0).maximum(Tensor.vector(0.0, -0.0)).getFlat(0), "maximum");
    }
}
