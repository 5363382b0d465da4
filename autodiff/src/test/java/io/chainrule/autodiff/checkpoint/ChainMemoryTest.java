package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peak saved bytes of checkpointed chains, measured with the engine's own {@link Memory}
 * accounting, against {@link Plan#peakBytes} and the textbook n/k + k.
 *
 * <p>"One step's worth" is what one step's recorded operations save, measured as the
 * {@link Schedule#storeAll()} peak over n (the loss, a plain sum, saves nothing). "One state's
 * worth" is what a checkpoint keeps, {@link CheckpointedChain#stateBytes}. For {@code h → tanh(h)}
 * the two are equal (tanh saves its output, the next state). For the RNN step
 * {@code tanh(h·W + x·U + b)} a step saves h (for the product h·W), x (for x·U) and its output;
 * it also keeps W for h's gradient, but W is a parameter, which {@link Memory} does not count (the
 * model holds it anyway). The initial state is a constant here, so that step 0 saves what every
 * other step saves.
 */
class ChainMemoryTest {

    /** A chain to differentiate: initial state and step, fresh each time. */
    private record Chain(Var[] initial, Step step) {
    }

    private static long peak(Chain chain, int steps, Schedule schedule) {
        Memory.reset();
        Var[] last = CheckpointedChain.run(chain.step(), chain.initial(), steps, schedule);
        last[0].sum().backward();
        assertEquals(0, Memory.savedBytes(), "everything is freed after backward, " + schedule);
        return Memory.peakSavedBytes();
    }

    private static long stepBytes(Supplier<Chain> chain, int steps) {
        long stored = peak(chain.get(), steps, Schedule.storeAll());
        assertEquals(0, stored % steps, "equal steps save equal bytes");
        return stored / steps;
    }

    private static Chain tanhChain() {
        return new Chain(new Var[] {Var.param(Tensor.randn(5L, 1.0, 8, 64))}, (s, t) -> new Var[] {s[0].tanh()});
    }

    private static Chain rnnChain() {
        TanhRnn rnn = new TanhRnn(4, 3, 16, 400, false);
        Var[] initial = rnn.initialState();
        for (int i = 0; i < initial.length; i++) {
            initial[i] = Var.constant(initial[i].value().copy());
        }
        return new Chain(initial, rnn.step());
    }

    @Test
    void kSegmentsOfEqualStepsPeakAtAboutNOverKPlusKSteps() {
        int n = 400;
        long step = stepBytes(ChainMemoryTest::tanhChain, n);
        assertEquals(CheckpointedChain.stateBytes(tanhChain().initial()), step, "here a step saves one state");
        for (int k : new int[] {2, 4, 10, 20, 40, 100}) {
            Schedule schedule = Schedule.everyK(n / k);
            long measured = peak(tanhChain(), n, schedule);
            double textbook = (n / k + k) * (double) step;
            assertEquals(1.0, measured / textbook, 0.10, "k=" + k + ": measured " + measured + " vs (n/k + k) steps " + textbook);
            // exactly: k − 1 states kept while the last segment's n/k steps are recorded
            assertEquals((k - 1 + n / k) * step, measured, "k=" + k);
            assertEquals(Planner.plan(n, schedule).peakBytes(step, step), measured, "k=" + k);
        }
    }

    @Test
    void kSegmentsOfRnnStepsPeakAtNOverKStepsPlusKStates() {
        int n = 400;
        long step = stepBytes(ChainMemoryTest::rnnChain, n);
        long state = CheckpointedChain.stateBytes(rnnChain().initial());
        assertEquals(8L * (4 * 16 + 4 * 3 + 4 * 16), step, "h, x and tanh's output (W is a parameter: not counted)");
        for (int k : new int[] {4, 10, 20, 40}) {
            Schedule schedule = Schedule.everyK(n / k);
            long measured = peak(rnnChain(), n, schedule);
            double estimate = (n / k) * (double) step + k * (double) state;
            assertEquals(1.0, measured / estimate, 0.10, "k=" + k + ": measured " + measured + " vs " + estimate);
            assertEquals(Planner.plan(n, schedule).peakBytes(state, step), measured, "k=" + k);
        }
    }

    @Test
    void everyScheduleHoldsExactlyThePlannedPeak() {
        int n = 150;
        long step = stepBytes(ChainMemoryTest::rnnChain, n);
        long state = CheckpointedChain.stateBytes(rnnChain().initial());
        for (Schedule schedule : List.of(Schedule.storeAll(), Schedule.sqrtT(), Schedule.everyK(7), Schedule.optimal(1),
                Schedule.optimal(2), Schedule.optimal(3), Schedule.optimal(8), Schedule.optimal(40),
                Schedule.budget(12 * state + state / 2, state))) {
            Plan plan = Planner.plan(n, schedule);
            assertEquals(plan.peakBytes(state, step), peak(rnnChain(), n, schedule), plan::toString);
        }
    }

    @Test
    void theBinomialScheduleKeepsAtMostItsSlotsAndOneRecordedStep() {
        int n = 150;
        long step = stepBytes(ChainMemoryTest::rnnChain, n);
        long state = CheckpointedChain.stateBytes(rnnChain().initial());
        for (int slots : new int[] {1, 2, 5, 12}) {
            long measured = peak(rnnChain(), n, Schedule.budget(slots * state, state));
            assertEquals(slots * state + step, measured, "slots=" + slots);
        }
    }

    @Test
    void aBudgetForStatesAndStepsHoldsThePlannedPeakWithinTheBudget() {
        int n = 150;
        long step = stepBytes(ChainMemoryTest::rnnChain, n);
        long state = CheckpointedChain.stateBytes(rnnChain().initial());
        for (int percent : new int[] {2, 5, 10, 30}) {
            long bytes = n * step * percent / 100;
            Plan plan = Planner.plan(n, Schedule.budget(bytes, state, step));
            long measured = peak(rnnChain(), n, Schedule.budget(bytes, state, step));
            assertEquals(plan.peakBytes(state, step), measured, plan::toString);
            assertTrue(measured <= bytes, () -> plan + ": " + measured + " > " + bytes);
        }
    }
}
