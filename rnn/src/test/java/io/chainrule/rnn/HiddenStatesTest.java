package io.chainrule.rnn;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.cell.LstmCell;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unroll hands back every h_t when asked, under any strategy, and the step loss may run more than T times. */
class HiddenStatesTest {
    private static final int T = 7;
    private static final int B = 2;
    private final LstmCell cell = new LstmCell(3, 4, 5L);
    private final Tensor x = Tensor.randn(6L, 1.0, T, B, 3);
    private final Tensor y = Tensor.randn(7L, 1.0, T, B, 4);
    private final StepLoss loss = (t, h) -> Losses.mse(h, Var.constant(y.row(t)));

    private Tensor expected() {
        List<State> states = Unroll.states(cell, Var.constant(x), Unroll.zeroState(cell, B));
        Tensor[] h = new Tensor[T];
        for (int t = 0; t < T; t++) {
            h[t] = states.get(t).h().value();
        }
        return Tensor.stack(h);
    }

    @Test
    void everyHiddenStateIsTheForwardPassesBitForBitUnderEveryStrategy() {
        Tensor want = expected();
        for (BpttStrategy s : new BpttStrategy[] {Bptt.full(), Bptt.truncated(2), Bptt.checkpointed(Schedule.optimal(2)),
                Bptt.checkpointed(Bptt.truncated(3), Schedule.everyK(2))}) {
            SequenceLoss r = Unroll.lossWithHidden(cell, Var.constant(x), Unroll.zeroState(cell, B), loss, s);
            r.loss().backward();
            assertTrue(want.bitwiseEquals(r.hiddenValues()), s.name());
            assertEquals(List.of(T, B, 4), List.of(r.hiddenValues().shape()[0], r.hiddenValues().shape()[1],
                    r.hiddenValues().shape()[2]));
        }
    }

    @Test
    void aLossOnTheKeptHiddenStatesIsDifferentiatedThroughTheUnroll() {
        // the same objective two ways: per step in the StepLoss, or after the unroll on the stacked h_t
        Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, B), loss, Bptt.full()).loss().backward();
        List<Tensor> perStep = cell.parameters().stream().map(p -> p.grad().copy()).toList();
        cell.parameters().forEach(Var::zeroGrad);
        SequenceLoss r = Unroll.lossWithHidden(cell, Var.constant(x), Unroll.zeroState(cell, B),
                (t, h) -> Var.constant(0.0), Bptt.full());
        Losses.mse(r.hidden(), Var.constant(y)).backward();
        for (int i = 0; i < perStep.size(); i++) {
            Tensor g = cell.parameters().get(i).grad();
            assertTrue(g.allClose(perStep.get(i), 1e-12, 1e-15), cell.parameters().get(i).name());
        }
    }

    @Test
    void statesNotKeptOrRecomputedAreAnErrorNotASilentConstant() {
        SequenceLoss plain = Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, B), loss, Bptt.full());
        assertTrue(assertThrows(IllegalStateException.class, plain::hiddenValues).getMessage()
                .contains("Unroll.lossWithHidden"));
        SequenceLoss recomputed = Unroll.lossWithHidden(cell, Var.constant(x), Unroll.zeroState(cell, B), loss,
                Bptt.checkpointed(Schedule.sqrtT()));
        assertTrue(assertThrows(IllegalStateException.class, recomputed::hidden).getMessage()
                .contains("use hiddenValues()"));
    }

    @Test
    void underCheckpointingTheStepLossRunsMoreThanOnceForSomeSteps() {
        AtomicInteger calls = new AtomicInteger();
        StepLoss counting = (t, h) -> {
            calls.incrementAndGet();
            return loss.at(t, h);
        };
        Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, B), counting, Bptt.checkpointed(Schedule.optimal(1)))
                .loss().backward();
        assertTrue(calls.get() > T, "calls: " + calls.get());
    }
}
