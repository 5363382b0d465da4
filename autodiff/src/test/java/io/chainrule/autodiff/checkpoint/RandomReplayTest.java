package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps that draw random numbers from {@link Rng#current()} replay them exactly when recomputed. */
class RandomReplayTest {
    private static final int STEPS = 30;
    private static final double KEEP = 0.6;

    /** Inverted dropout on h with a fresh mask each step, drawn from the thread's Rng. */
    private static Var dropout(Var h) {
        Tensor mask = Tensor.zeros(h.shape());
        for (int i = 0; i < mask.size(); i++) {
            mask.setFlatInPlace(i, Rng.current().nextDouble() < KEEP ? 1.0 / KEEP : 0.0);
        }
        return h.mul(Var.constant(mask));
    }

    private record Run(List<Tensor> grads, Tensor loss, String rngAfter, Set<String> masks) {
    }

    private static Run run(Schedule schedule) {
        Rng.current().setSeed(2024);
        TanhRnn rnn = new TanhRnn(4, 3, 6, STEPS, true);
        Step inner = rnn.step();
        Set<String> masks = new HashSet<>();
        Step step = (state, t) -> {
            Var[] next = inner.apply(new Var[] {dropout(state[0]), state[1]}, t);
            masks.add(Rng.current().snapshot().toString());
            return next;
        };
        Var[] last = CheckpointedChain.run(step, rnn.initialState(), STEPS, schedule);
        Var loss = rnn.loss(last);
        loss.backward();
        List<Tensor> grads = new ArrayList<>();
        for (Var p : rnn.params()) {
            grads.add(p.grad());
        }
        return new Run(grads, loss.value(), Rng.current().snapshot().toString(), masks);
    }

    @Test
    void aDropoutMaskDrawnFromTheThreadRngReplaysUnderEverySchedule() {
        Run stored = run(Schedule.storeAll());
        // the masks really are random: every step leaves the stream somewhere new
        assertEquals(STEPS, stored.masks().size());
        for (Schedule schedule : List.of(Schedule.everyK(4), Schedule.sqrtT(), Schedule.optimal(1),
                Schedule.optimal(2), Schedule.optimal(3), Schedule.optimal(STEPS))) {
            Run r = run(schedule);
            assertTrue(stored.loss().bitwiseEquals(r.loss()), schedule + ": loss");
            for (int i = 0; i < stored.grads().size(); i++) {
                assertTrue(stored.grads().get(i).bitwiseEquals(r.grads().get(i)), schedule + ": gradient " + i);
            }
            // recomputations rewind the stream and put it back: the caller's next draw is unchanged
            assertEquals(stored.rngAfter(), r.rngAfter(), schedule.toString());
            // ...and replay the same positions, no others
            assertEquals(stored.masks(), r.masks(), schedule.toString());
        }
    }

    @Test
    void randomnessFromAnyOtherSourceIsCaughtWhenRecomputed() {
        Random unreplayed = new Random(7);
        Var h0 = Var.param(Tensor.randn(3L, 1.0, 2, 3));
        Step step = (state, t) -> new Var[] {state[0].mul(Var.constant(unreplayed.nextDouble())).tanh()};
        Var[] last = CheckpointedChain.run(step, new Var[] {h0}, 8, Schedule.everyK(4));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> last[0].sum().backward());
        assertTrue(e.getMessage().contains("differs between forward and recomputation"), e.getMessage());
    }
}
