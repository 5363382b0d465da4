package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.cell.LstmCell;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss {@link SurrogateObjective#loss} hands to the gradient check keeps the strategy's
 * recomputation schedule: under checkpointing, differentiating it runs some step losses again.
 */
class SurrogateRecomputeTest {
    private static final int T = 7;
    private static final int B = 2;

    private static int stepLossCalls(BpttStrategy strategy) {
        LstmCell cell = new LstmCell(3, 4, 5L);
        Tensor x = Tensor.randn(6L, 1.0, T, B, 3);
        Tensor y = Tensor.randn(7L, 1.0, T, B, 4);
        AtomicInteger calls = new AtomicInteger();
        StepLoss counting = (t, h) -> {
            calls.incrementAndGet();
            return Losses.mse(h, Var.constant(y.row(t)));
        };
        Supplier<Var> loss = SurrogateObjective.loss(cell, Var.constant(x), Unroll.zeroState(cell, B), counting, strategy);
        calls.set(0);
        loss.get().backward();
        return calls.get();
    }

    @Test
    void theCheckedLossOfACheckpointedStrategyRecomputesSteps() {
        assertEquals(T, stepLossCalls(Bptt.full()), "without checkpointing each step loss runs once");
        int checkpointed = stepLossCalls(Bptt.checkpointed(Schedule.optimal(1)));
        assertTrue(checkpointed > T, "calls: " + checkpointed);
    }
}
