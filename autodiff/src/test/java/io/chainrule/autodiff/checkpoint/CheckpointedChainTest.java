package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CheckpointedChain}: same gradients as storing everything, at the planned number of step calls. */
class CheckpointedChainTest {

    /** Everything a run produces that must not depend on the schedule. */
    private record Outcome(long calls, Tensor loss, Tensor last, List<Tensor> grads) {
    }

    private static Outcome differentiate(int steps, Schedule schedule) {
        TanhRnn rnn = new TanhRnn(3, 2, 5, steps, true);
        long[] calls = {0};
        Var[] last = CheckpointedChain.run(TanhRnn.counted(rnn.step(), calls), rnn.initialState(), steps, schedule);
        Var loss = rnn.loss(last);
        loss.backward();
        List<Tensor> grads = new ArrayList<>();
        for (Var p : rnn.params()) {
            grads.add(p.grad());
        }
        return new Outcome(calls[0], loss.value(), last[0].value(), grads);
    }

    private static void assertSameOutcome(Outcome expected, Outcome actual, String what) {
        assertTrue(expected.loss().bitwiseEquals(actual.loss()), what + ": loss");
        assertTrue(expected.last().bitwiseEquals(actual.last()), what + ": last state");
        for (int i = 0; i < expected.grads().size(); i++) {
            Tensor e = expected.grads().get(i);
            Tensor a = actual.grads().get(i);
            assertTrue(e.bitwiseEquals(a), what + ": gradient " + i + " differs by " + e.maxAbsDiff(a));
        }
    }

    private static List<Schedule> schedulesFor(int steps) {
        return List.of(Schedule.everyK(1), Schedule.everyK(3), Schedule.everyK(7), Schedule.everyK(steps),
                Schedule.everyK(steps + 4), Schedule.sqrtT(), Schedule.optimal(1), Schedule.optimal(2),
                Schedule.optimal(3), Schedule.optimal(5), Schedule.optimal(steps),
                Schedule.budget(3 * CheckpointedChain.stateBytes(new TanhRnn(3, 2, 5, 1, true).initialState()) + 7,
                        CheckpointedChain.stateBytes(new TanhRnn(3, 2, 5, 1, true).initialState())),
                Schedule.budget(300, 10, 40), Schedule.budget(600, 10, 40));
    }

    @Test
    void everyScheduleGivesGradientsBitwiseIdenticalToStoringEverything() {
        int steps = 23;
        Outcome stored = differentiate(steps, Schedule.storeAll());
        assertEquals(steps, stored.calls());
        for (Schedule schedule : schedulesFor(steps)) {
            assertSameOutcome(stored, differentiate(steps, schedule), schedule.toString());
        }
    }

    @Test
    void realRunsCallTheStepExactlyAsOftenAsPlanned() {
        for (int steps : new int[] {1, 2, 3, 4, 5, 8, 13, 21, 34, 55, 100}) {
            List<Schedule> schedules = new ArrayList<>(List.of(Schedule.storeAll(), Schedule.sqrtT()));
            for (int k : new int[] {1, 2, 3, 5, 10, 40}) {
                schedules.add(Schedule.everyK(k));
            }
            for (int s : new int[] {1, 2, 3, 4, 5, 6, 8, 10, 20, 99}) {
                schedules.add(Schedule.optimal(s));
            }
            for (long bytes : new long[] {50, 130, 400, 1000, 4000}) {
                schedules.add(Schedule.budget(bytes, 10, 40));
            }
            for (Schedule schedule : schedules) {
                Plan plan = Planner.plan(steps, schedule);
                assertEquals(plan.evaluations(), differentiate(steps, schedule).calls(), plan::toString);
            }
        }
    }

    @Test
    void oneThousandStepsCostTheOracleNumberOfEvaluations() {
        int[] slots = {1, 2, 5, 10, 32, 100, 999};
        long[] evaluations = {500_500, 29_820, 7_284, 4_636, 3_405, 2_898, 1_999};
        for (int i = 0; i < slots.length; i++) {
            // a one-number state keeps the half million evaluations of s = 1 fast
            Var a = Var.param(Tensor.scalar(0.3));
            long[] calls = {0};
            Step step = TanhRnn.counted((state, t) -> new Var[] {state[0].mul(a).add(Var.constant(0.01 * t)).tanh()}, calls);
            Var[] last = CheckpointedChain.run(step, new Var[] {Var.constant(0.5)}, 1000, Schedule.optimal(slots[i]));
            last[0].backward();
            assertEquals(evaluations[i], calls[0], "s=" + slots[i]);
        }
    }

    @Test
    void withoutRecordingTheChainIsJustTheLoop() {
        TanhRnn rnn = new TanhRnn(3, 2, 5, 40, true);
        Var[] stored = CheckpointedChain.run(rnn.step(), rnn.initialState(), 40, Schedule.storeAll());
        long[] calls = {0};
        Var[] last;
        try (NoGrad scope = NoGrad.enter()) {
            last = CheckpointedChain.run(TanhRnn.counted(rnn.step(), calls), rnn.initialState(), 40, Schedule.optimal(2));
        }
        assertEquals(40, calls[0]);
        assertTrue(stored[0].value().bitwiseEquals(last[0].value()));
        assertTrue(stored[1].value().bitwiseEquals(last[1].value()));
        assertTrue(!last[0].requiresGrad());
        stored[0].releaseGraph();
        stored[1].releaseGraph();
    }

    @Test
    void aChainInsideAnOuterCheckpointStillGivesIdenticalGradients() {
        int steps = 17;
        Outcome stored = differentiate(steps, Schedule.storeAll());
        for (Schedule schedule : List.of(Schedule.optimal(2), Schedule.everyK(4))) {
            TanhRnn rnn = new TanhRnn(3, 2, 5, steps, true);
            long[] calls = {0};
            Step step = TanhRnn.counted(rnn.step(), calls);
            Var[] last = Checkpoint.apply(in -> CheckpointedChain.run(step, in, steps, schedule), rnn.initialState());
            Var loss = rnn.loss(last);
            loss.backward();
            List<Tensor> grads = new ArrayList<>();
            for (Var p : rnn.params()) {
                grads.add(p.grad());
            }
            assertSameOutcome(stored, new Outcome(calls[0], loss.value(), last[0].value(), grads), "outer " + schedule);
            // the outer forward runs the chain once without recording, then its recomputation runs the plan
            assertEquals(steps + Planner.plan(steps, schedule).evaluations(), calls[0]);
        }
    }

    @Test
    void zeroStepsReturnACopyOfTheInitialState() {
        Var[] init = {Var.param(Tensor.scalar(1.0))};
        Var[] last = CheckpointedChain.run((s, t) -> {
            throw new AssertionError("no step should run");
        }, init, 0, Schedule.optimal(3));
        assertNotSame(init, last);
        assertTrue(last[0] == init[0]);
    }

    @Test
    void aStepThatChangesTheStateIsAClearError() {
        Var h = Var.param(Tensor.zeros(2, 3));
        IllegalStateException shape = assertThrows(IllegalStateException.class, () -> CheckpointedChain.run(
                (s, t) -> new Var[] {t == 4 ? s[0].sum() : s[0].tanh()}, new Var[] {h}, 9, Schedule.everyK(3)));
        assertTrue(shape.getMessage().contains("step 4") && shape.getMessage().contains("[2, 3]"), shape.getMessage());
        IllegalStateException arity = assertThrows(IllegalStateException.class, () -> CheckpointedChain.run(
                (s, t) -> new Var[] {s[0], s[0]}, new Var[] {h}, 2, Schedule.storeAll()));
        assertTrue(arity.getMessage().contains("2 values") && arity.getMessage().contains("1 values"), arity.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CheckpointedChain.run((s, t) -> s, new Var[0], 2, Schedule.storeAll()));
        assertThrows(IllegalArgumentException.class, () -> CheckpointedChain.run((s, t) -> s, new Var[] {h}, -1, Schedule.storeAll()));
    }
}
