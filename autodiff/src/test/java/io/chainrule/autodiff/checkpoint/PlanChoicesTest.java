package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the planner chooses and reports in small cases worked out by hand: chains of no steps,
 * budgets at their smallest valid sizes, a budget schedule reused for chains of other lengths, and
 * the slots a binomial plan says it uses.
 */
class PlanChoicesTest {

    @Test
    void aChainOfNoStepsCostsNothingUnderEverySchedule() {
        for (Schedule schedule : List.of(Schedule.storeAll(), Schedule.everyK(3), Schedule.sqrtT(), Schedule.optimal(2),
                Schedule.budget(0, 8), Schedule.budget(0, 7, 50), Schedule.budget(1000, 7, 50))) {
            Plan plan = Planner.plan(0, schedule);
            assertEquals(0, plan.evaluations(), schedule::toString);
            assertEquals(0, plan.peakStates(), schedule::toString);
            assertEquals(0, plan.peakRecordedSteps(), schedule::toString);
            assertEquals(0, plan.peakBytes(7, 50), schedule::toString);
            Var h = Var.param(Tensor.scalar(1.0));
            Var[] last = CheckpointedChain.run((s, t) -> {
                throw new AssertionError("no step should run");
            }, new Var[] {h}, 0, schedule);
            assertTrue(last[0] == h, schedule::toString);
        }
    }

    @Test
    void aBudgetOfNoBytesIsValidButHoldsNoStep() {
        Schedule none = Schedule.budget(0, 7, 50);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Planner.plan(1, none));
        assertTrue(e.getMessage().contains("holds no schedule for 1 steps"), e.getMessage());
    }

    @Test
    void oneBytePerStateAndPerStepIsAValidBudget() {
        // 10 recorded steps of 1 byte fit in 10 bytes: everything is recorded, each step once
        Plan all = Planner.plan(10, Schedule.budget(10, 1, 1));
        assertEquals("all recorded", all.layout());
        assertEquals(10, all.evaluations());
        assertEquals(10, all.peakBytes(1, 1));
        // 5 slots of 1 byte: p(10, 5) = r·l − C(5 + r, 6) with r = 2 (C(6, 5) = 6 < 10 ≤ C(7, 5) = 21): 20 − 7 = 13
        assertEquals(10 + 13, Planner.plan(10, Schedule.budget(5, 1)).evaluations());
    }

    @Test
    void aBudgetScheduleReusedForAnotherLengthPlansThatLength() {
        // 500 bytes with 7 bytes a state and 50 a step: 100 steps cannot all be recorded, 10 can
        Schedule budget = Schedule.budget(500, 7, 50);
        Plan hundred = Planner.plan(100, budget);
        assertTrue(hundred.evaluations() > 100, hundred::toString);
        Plan ten = Planner.plan(10, budget);
        assertEquals("all recorded", ten.layout());
        assertEquals(10, ten.evaluations());
        Plan again = Planner.plan(100, budget);
        assertEquals(hundred.layout(), again.layout());
        assertEquals(hundred.evaluations(), again.evaluations());
        // and a chain run with it after planning another length runs each of 10 steps once
        long[] calls = {0};
        Var h = Var.param(Tensor.scalar(0.5));
        Var[] last = CheckpointedChain.run(TanhRnn.counted((s, t) -> new Var[] {Ops.tanh(s[0])}, calls),
                new Var[] {h}, 10, budget);
        last[0].backward();
        assertEquals(10, calls[0]);
    }

    @Test
    void aBinomialPlanClaimsNoMoreSlotsThanItsChainCanUse() {
        // 10 steps are reversed with at most 9 stored states (one before each step but the first)
        assertEquals("binomial with 9 slots", Planner.plan(10, Schedule.optimal(50)).layout());
        assertEquals("binomial with 9 slots", Planner.plan(10, Schedule.budget(1 << 20, 8)).layout());
        assertEquals("binomial with 3 slots", Planner.plan(10, Schedule.optimal(3)).layout());
        assertEquals("binomial with 1 slots", Planner.plan(2, Schedule.optimal(4)).layout());
    }

    @Test
    void aMeasuredBudgetTooSmallForOneStateAndOneStepSaysHowMuchIsNeeded() {
        // 400 bytes, 50 of them held besides: 350 left, below one state (100) and one step (300)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedule.budget(400).measured(100, 300, 50));
        assertEquals("a memory budget of 400 B holds no schedule: one stored state takes 100 B, one recorded step "
                + "300 B, and 50 B is held besides; give at least 450 B", e.getMessage());
    }

    /**
     * 4 steps, 1 byte a state, 10 a step, 21 bytes: recording all (40) or blocks of 3 (30) does not
     * fit. Blocks of 2 with one slot: checkpoint steps 0-1, record 2-3 (1 + 20 bytes), then
     * recompute 0-1 recorded (20): 4 + 2 = 6 evaluations at a peak of 21. Steps one at a time
     * with 3 slots: 4 + 3 = 7 at a peak of 3 + 10 = 13. Two blocks have one split point: the plan
     * names one slot, not more than its two blocks can use.
     */
    @Test
    void aBudgetThatJustHoldsTwoRecordedStepsAndAStateRecordsBlocksOfTwo() {
        Plan plan = Planner.plan(4, Schedule.budget(21, 1, 10));
        assertEquals("binomial with 1 slots over blocks of 2", plan.layout());
        assertEquals(6, plan.evaluations());
        assertEquals(21, plan.peakBytes(1, 10));
        assertEquals(1, plan.peakStates());
        assertEquals(2, plan.peakRecordedSteps());
    }

    /**
     * 5 steps, 1 byte a state, 10 a step, 25 bytes. Steps one at a time with 4 slots: p(5, 4) = 4
     * (r = 1: C(5, 4) = 5), 9 evaluations at a peak of 4 + 10 = 14. Blocks of 2 (2, 2, 1) with 2
     * slots: 5 + 2 + 2 = 9 evaluations too, but recomputing steps 2-3 records 2 steps while the
     * state before step 0 is kept: a peak of 1 + 20 = 21. Blocks of 3 would need 30 bytes. Of two
     * plans with as few evaluations, the one with the lower peak is chosen.
     */
    @Test
    void ofEquallyCheapPlansTheBudgetChoosesTheLowerPeak() {
        Plan plan = Planner.plan(5, Schedule.budget(25, 1, 10));
        assertEquals("binomial with 4 slots", plan.layout());
        assertEquals(9, plan.evaluations());
        assertEquals(14, plan.peakBytes(1, 10));
    }

    /**
     * 3 steps, 2 bytes a state, 3 a step, 7 bytes. One step at a time with 2 slots: checkpoint
     * steps 0 and 1, record step 2 (2·2 + 3 = 7 bytes), recompute each once: 5 evaluations at a
     * peak of 7. Blocks of 2 (2, 1) with one slot: checkpoint 0-1, record 2 (2 + 3), recompute 0-1
     * recorded (2·3 = 6): 5 evaluations at a peak of 6. Blocks of 3 need 9 bytes. As cheap, and
     * lower: blocks of 2, although steps one at a time were found first.
     */
    @Test
    void aLaterEquallyCheapPlanWithALowerPeakReplacesAnEarlierOne() {
        Plan plan = Planner.plan(3, Schedule.budget(7, 2, 3));
        assertEquals("binomial with 1 slots over blocks of 2", plan.layout());
        assertEquals(5, plan.evaluations());
        assertEquals(6, plan.peakBytes(2, 3));
    }
}
