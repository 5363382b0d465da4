package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CheckpointedChain#runEmitting}: a chain whose steps also emit a value (here
 * {@code identity(h_t)}, read by a loss term of its own per step). Under every schedule the
 * outputs are the same values, in step order after the final state, and the parameters' gradients
 * are bitwise those of {@link Schedule#storeAll()}.
 */
class EmittingChainTest {
    private static final int STEPS = 13;

    private record Run(List<Tensor> values, List<Tensor> grads, long calls) {
    }

    private static Run run(Schedule schedule) {
        TanhRnn rnn = new TanhRnn(3, 2, 5, STEPS, false);
        Step inner = rnn.step();
        long[] calls = {0};
        Step step = TanhRnn.counted((state, t) -> {
            Var[] next = inner.apply(state, t);
            return new Var[] {next[0], Ops.identity(next[0])};
        }, calls);
        Var[] out = CheckpointedChain.runEmitting(step, rnn.initialState(), STEPS, schedule, 1);
        assertEquals(1 + STEPS, out.length);
        Var loss = out[0].sum();
        List<Tensor> values = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            values.add(out[1 + t].value().copy());
            loss = loss.add(out[1 + t].mul(Var.constant(Tensor.randn(200L + t, 1.0, 3, 5))).sum());
        }
        loss.backward();
        List<Tensor> grads = new ArrayList<>();
        for (Var p : rnn.params()) {
            grads.add(p.grad());
        }
        return new Run(values, grads, calls[0]);
    }

    @Test
    void everyScheduleEmitsTheSameOutputsAndGivesBitwiseTheStoredGradients() {
        Run stored = run(Schedule.storeAll());
        assertEquals(STEPS, stored.calls(), "storeAll evaluates each step once");
        // step t's output is the state after step t, in step order: the step applied by hand
        TanhRnn rnn = new TanhRnn(3, 2, 5, STEPS, false);
        Var[] state = rnn.initialState();
        for (int t = 0; t < STEPS; t++) {
            state = rnn.step().apply(state, t);
            assertTrue(state[0].value().bitwiseEquals(stored.values().get(t)), "the output of step " + t);
        }
        for (Schedule schedule : List.of(Schedule.everyK(4), Schedule.sqrtT(), Schedule.optimal(1),
                Schedule.optimal(2), Schedule.optimal(3))) {
            Run r = run(schedule);
            assertTrue(r.calls() > STEPS, schedule + " recomputes some steps");
            for (int t = 0; t < STEPS; t++) {
                assertTrue(stored.values().get(t).bitwiseEquals(r.values().get(t)), schedule + ": output of step " + t);
            }
            for (int i = 0; i < stored.grads().size(); i++) {
                assertTrue(stored.grads().get(i).bitwiseEquals(r.grads().get(i)), schedule + ": gradient " + i);
            }
        }
    }

    @Test
    void aNegativeOutputCountIsRefused() {
        TanhRnn rnn = new TanhRnn(3, 2, 5, STEPS, false);
        assertThrows(IllegalArgumentException.class,
                () -> CheckpointedChain.runEmitting(rnn.step(), rnn.initialState(), STEPS, Schedule.storeAll(), -1));
    }

    @Test
    void aChainThatEmitsNothingIsAPlainChain() {
        for (Schedule schedule : List.of(Schedule.storeAll(), Schedule.everyK(4), Schedule.optimal(2))) {
            TanhRnn plain = new TanhRnn(3, 2, 5, STEPS, false);
            Var[] want = CheckpointedChain.run(plain.step(), plain.initialState(), STEPS, schedule);
            want[0].sum().backward();
            TanhRnn rnn = new TanhRnn(3, 2, 5, STEPS, false);
            Var[] out = CheckpointedChain.runEmitting(rnn.step(), rnn.initialState(), STEPS, schedule, 0);
            assertEquals(want.length, out.length, schedule + ": the final state and no outputs");
            assertTrue(want[0].value().bitwiseEquals(out[0].value()), schedule + ": the final state");
            out[0].sum().backward();
            for (int i = 0; i < rnn.params().size(); i++) {
                assertTrue(plain.params().get(i).grad().bitwiseEquals(rnn.params().get(i).grad()),
                        schedule + ": gradient " + i);
            }
        }
    }
}
