package io.chainrule.autodiff.checkpoint;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planner's counts against Griewank's closed form and the minimum over all splits, both
 * computed here independently of the main code, and against the uniform schedules' formulas.
 */
class PlannerTest {
    private static final int MAX_T = 2000;
    private static final int MAX_S = 20;

    /** C(n, k), exactly. */
    private static BigInteger binomial(int n, int k) {
        BigInteger c = BigInteger.ONE;
        for (int j = 1; j <= k; j++) {
            c = c.multiply(BigInteger.valueOf(n - k + j)).divide(BigInteger.valueOf(j));
        }
        return c;
    }

    /** p(l, s) = r·l − beta(s + 1, r − 1) where beta(s, r − 1) < l ≤ beta(s, r), beta(s, r) = C(s + r, s). */
    private static long closedForm(int l, int s) {
        if (l == 1) {
            return 0;
        }
        int r = 1;
        while (binomial(s + r, s).compareTo(BigInteger.valueOf(l)) < 0) {
            r++;
        }
        assertTrue(binomial(s + r - 1, s).compareTo(BigInteger.valueOf(l)) < 0);
        return BigInteger.valueOf((long) r * l).subtract(binomial(s + r, s + 1)).longValueExact();
    }

    /** p[s][n] = min over 1 ≤ i < n of i + p[s][i] + p[s − 1][n − i], p[1][n] = n(n − 1)/2. */
    private static long[][] minimumOverSplits() {
        long[][] p = new long[MAX_S + 1][MAX_T + 1];
        for (int n = 1; n <= MAX_T; n++) {
            p[1][n] = (long) n * (n - 1) / 2;
        }
        for (int s = 2; s <= MAX_S; s++) {
            for (int n = 2; n <= MAX_T; n++) {
                long best = Long.MAX_VALUE;
                for (int i = 1; i < n; i++) {
                    best = Math.min(best, i + p[s][i] + p[s - 1][n - i]);
                }
                p[s][n] = best;
            }
        }
        return p;
    }

    @Test
    void optimalPlansCostExactlyTheClosedFormForEveryTUpTo2000AndSUpTo20() {
        long[][] min = minimumOverSplits();
        for (int s = 1; s <= MAX_S; s++) {
            for (int t = 1; t <= MAX_T; t++) {
                long closed = closedForm(t, s);
                assertEquals(min[s][t], closed, "closed form vs minimum over splits, T=" + t + " s=" + s);
                Plan plan = Planner.plan(t, Schedule.optimal(s));
                if (plan.extraForward() != closed) {
                    assertEquals(closed, plan.extraForward(), "T=" + t + " s=" + s);
                }
                if (plan.evaluations() != t + closed || plan.peakStates() > s || plan.peakRecordedSteps() != 1) {
                    assertEquals(t + closed, plan.evaluations(), "T=" + t + " s=" + s);
                    assertTrue(plan.peakStates() <= s, plan::toString);
                    assertEquals(1, plan.peakRecordedSteps(), plan::toString);
                }
                if (Planner.binomialExtraForward(t, s) != closed) {
                    assertEquals(closed, Planner.binomialExtraForward(t, s), "T=" + t + " s=" + s);
                }
            }
        }
    }

    @Test
    void optimalPlansForOneThousandStepsMatchTheOracle() {
        int[] slots = {1, 2, 5, 10, 32, 100, 999};
        long[] evaluations = {500_500, 29_820, 7_284, 4_636, 3_405, 2_898, 1_999};
        for (int i = 0; i < slots.length; i++) {
            Plan plan = Planner.plan(1000, Schedule.optimal(slots[i]));
            assertEquals(evaluations[i], plan.evaluations(), plan::toString);
            assertEquals(evaluations[i] - 1000, plan.extraForward(), plan::toString);
            assertEquals(slots[i], plan.peakStates(), plan::toString);
            assertEquals(evaluations[i] - 1000, closedForm(1000, slots[i]));
        }
    }

    @Test
    void moreSlotsThanStepsCostTwoEvaluationsPerStepButTheLast() {
        Plan plan = Planner.plan(10, Schedule.optimal(50));
        assertEquals(19, plan.evaluations());
        assertEquals(9, plan.peakStates());
    }

    @Test
    void uniformSchedulesRecomputeEverySegmentButTheLastOnce() {
        for (int t = 1; t <= 300; t++) {
            for (int k = 1; k <= t + 1; k++) {
                int m = (t + k - 1) / k;
                int last = t - k * (m - 1);
                Plan plan = Planner.plan(t, Schedule.everyK(k));
                assertEquals(2L * t - last, plan.evaluations(), plan::toString);
                assertEquals(m - 1, plan.peakStates(), plan::toString);
                assertEquals(Math.min(k, t), plan.peakRecordedSteps(), plan::toString);
                // the most held at once: while the last checkpointed segment is recomputed,
                // m − 2 states are still kept (or, in forward, m − 1 states and the last segment)
                long expected = m == 1 ? 1000L * t
                        : Math.max(7L * (m - 1) + 1000L * last, 7L * (m - 2) + 1000L * k);
                assertEquals(expected, plan.peakBytes(7, 1000), plan::toString);
            }
        }
    }

    @Test
    void sqrtTUsesSegmentsOfCeilSqrtT() {
        Plan plan = Planner.plan(1000, Schedule.sqrtT());
        // 31 checkpointed segments of 32 steps and a recorded last segment of 8
        assertEquals(2000 - 8, plan.evaluations());
        assertEquals(31, plan.peakStates());
        assertEquals(32, plan.peakRecordedSteps());
        assertEquals(Planner.plan(1000, Schedule.everyK(32)).evaluations(), plan.evaluations());
        assertEquals(Planner.plan(17, Schedule.everyK(5)).evaluations(), Planner.plan(17, Schedule.sqrtT()).evaluations());
    }

    @Test
    void storeAllEvaluatesEachStepOnceAndKeepsNoState() {
        Plan plan = Planner.plan(1000, Schedule.storeAll());
        assertEquals(1000, plan.evaluations());
        assertEquals(0, plan.extraForward());
        assertEquals(0, plan.peakStates());
        assertEquals(1000, plan.peakRecordedSteps());
    }

    @Test
    void aBudgetHoldsFloorOfBytesOverBytesPerStateSlots() {
        for (long bytes : new long[] {4096, 4097, 10 * 4096 - 1, 10 * 4096, 32 * 4096 + 4095}) {
            int slots = (int) (bytes / 4096);
            assertEquals(Planner.plan(1000, Schedule.optimal(slots)).evaluations(),
                    Planner.plan(1000, Schedule.budget(bytes, 4096)).evaluations(), "budget " + bytes);
        }
        assertEquals(1999, Planner.plan(1000, Schedule.budget(Long.MAX_VALUE, 1)).evaluations());
    }

    @Test
    void aBudgetBelowOneStateIsAnErrorNamingBothNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Planner.plan(10, Schedule.budget(4095, 4096)));
        assertTrue(e.getMessage().contains("4095") && e.getMessage().contains("4096"), e.getMessage());
        assertEquals(1, Planner.plan(1, Schedule.budget(0, 4096)).evaluations(), "one step needs no stored state");
    }

    @Test
    void largeChainsArePlannedWithoutDeepRecursion() {
        Plan plan = Planner.plan(100_000, Schedule.optimal(1));
        assertEquals(100_000L * 100_001 / 2, plan.evaluations());
    }

    @Test
    void aBudgetForStatesAndStepsIsNeverWorseThanAnyUniformOrBinomialScheduleThatFits() {
        for (long[] sizes : new long[][] {{7, 50}, {10, 10}, {50, 7}}) {
            neverWorseThanUniformOrBinomial(sizes[0], sizes[1]);
        }
    }

    private static void neverWorseThanUniformOrBinomial(long state, long step) {
        for (int t : new int[] {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144}) {
            long full = t * step;
            for (long bytes = state + step; bytes <= full + step; bytes += Math.max(1, full / 37)) {
                Plan plan = Planner.plan(t, Schedule.budget(bytes, state, step));
                assertTrue(plan.peakBytes(state, step) <= bytes, plan::toString);
                long best = Long.MAX_VALUE;
                for (int k = 1; k <= t; k++) {
                    Plan uniform = Planner.plan(t, Schedule.everyK(k));
                    if (uniform.peakBytes(state, step) <= bytes) {
                        best = Math.min(best, uniform.evaluations());
                    }
                }
                for (int s = 1; s <= t; s++) {
                    Plan binomial = Planner.plan(t, Schedule.optimal(s));
                    if (binomial.peakBytes(state, step) <= bytes) {
                        best = Math.min(best, binomial.evaluations());
                    }
                }
                if (full <= bytes) {
                    best = t;
                }
                long expectedBest = best;
                long budget = bytes;
                assertTrue(plan.evaluations() <= expectedBest, () -> plan + " vs " + expectedBest + " for " + budget + " bytes");
            }
        }
    }

    @Test
    void aBudgetForStatesAndStepsChoosesStoreAllWhenEverythingFitsAndFailsWhenNothingDoes() {
        assertEquals("all recorded", Planner.plan(100, Schedule.budget(100 * 50, 7, 50)).layout());
        assertEquals(100, Planner.plan(100, Schedule.budget(100 * 50, 7, 50)).evaluations());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Planner.plan(100, Schedule.budget(56, 7, 50)));
        assertTrue(e.getMessage().contains("56") && e.getMessage().contains("7") && e.getMessage().contains("50"), e.getMessage());
        assertEquals(Planner.plan(100, Schedule.optimal(1)).evaluations(), Planner.plan(100, Schedule.budget(57, 7, 50)).evaluations());
    }

    @Test
    void fivePercentOfStoringAnRnnChainCostsFewerEvaluationsWhenStepsCountToo() {
        // the benchmark's tanh RNN (B = 32, D = 64, H = 256): a state is h, a step saves h, W, x and its output
        long state = 8L * 32 * 256;
        long step = 8L * (32 * 256 + 256 * 256 + 32 * 64 + 32 * 256);
        long fivePercent = 1000 * step / 20;
        Plan statesOnly = Planner.plan(1000, Schedule.budget(fivePercent - step, state));
        Plan statesAndSteps = Planner.plan(1000, Schedule.budget(fivePercent, state, step));
        assertEquals(2496, statesOnly.evaluations(), statesOnly::toString);
        assertEquals(1960, statesAndSteps.evaluations(), statesAndSteps::toString);
        assertTrue(statesOnly.peakBytes(state, step) <= fivePercent);
        assertTrue(statesAndSteps.peakBytes(state, step) <= fivePercent);
    }
}
