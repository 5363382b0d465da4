package io.chainrule.examples.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented rule: non-finite, or the mean of the last 10 losses above 10 times the first iteration's. */
class DivergenceTest {

    private static List<MetricsRow> losses(double... losses) {
        List<MetricsRow> rows = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            rows.add(new MetricsRow(i + 1, losses[i], 1.0, i));
        }
        return rows;
    }

    @Test
    void aLossGrowingPastTenTimesItsStartIsDivergence() {
        String why = Divergence.check(losses(2.0, 1.9, 1430.0));
        assertTrue(why != null && why.contains("at iteration 3") && why.contains("477.9667") && why.contains("2.0000"), why);
    }

    @Test
    void anEnormousLossIsPrintedWithAnExponent() {
        String why = Divergence.check(losses(2.0, 5e301));
        assertTrue(why != null && why.contains("2.5000e+301") && !why.matches("(?s).*[0-9]{20}.*"), why);
    }

    @Test
    void oneNoisyBatchAmongTenIsNot() {
        assertNull(Divergence.check(losses(1.0, 0.9, 0.9, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7, 15.0)),
                "a single loss of 15 times the start: the mean of the last ten is 2.14");
        assertNull(Divergence.check(losses(1.0, 0.5, 9.9)), "the mean of the last ten stays below 10 times the start");
    }

    @Test
    void aNonFiniteLossOrGradientIsDivergenceAtOnce() {
        assertTrue(Divergence.check(losses(1.0, Double.NaN)).contains("the training loss became NaN at iteration 2"));
        List<MetricsRow> rows = losses(1.0);
        rows.add(new MetricsRow(2, 0.9, Double.POSITIVE_INFINITY, 1));
        assertTrue(Divergence.check(rows).contains("the gradient norm became Infinity at iteration 2"));
    }

    @Test
    void aDecreasingLossIsNot() {
        assertNull(Divergence.check(losses(2.0, 1.0, 0.5, 0.25)));
        assertNull(Divergence.check(List.of()));
    }
}
