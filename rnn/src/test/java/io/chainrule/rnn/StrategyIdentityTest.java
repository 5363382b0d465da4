package io.chainrule.rnn;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.testing.BuiltInCells;
import io.chainrule.rnn.bptt.BpttStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strategies that must reduce to full BPTT do so bit for bit. */
class StrategyIdentityTest {

    static List<Tensor> gradients(String cellName, BpttStrategy strategy) {
        int steps = 9;
        int batch = 2;
        Cell cell = BuiltInCells.create(cellName, 3, 4, 21);
        OutputLayer head = new OutputLayer(4, 2, true, 22);
        Tensor x = Tensor.randn(23, 1.0, steps, batch, 3);
        Tensor y = Tensor.randn(24, 1.0, steps, batch, 2);
        Var h0 = Var.param(Tensor.randn(25, 1.0, batch, 4), "h0");
        State initial = cell.stateParts() == 1 ? State.of(h0)
                : State.of(h0, Var.param(Tensor.randn(26, 1.0, batch, 4), "c0"));
        Unroll.loss(cell, Var.constant(x), initial, (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))),
                strategy).loss().backward();
        List<Tensor> out = new ArrayList<>();
        cell.parameters().forEach(p -> out.add(p.grad()));
        head.parameters().forEach(p -> out.add(p.grad()));
        for (int i = 0; i < initial.size(); i++) {
            out.add(initial.get(i).grad());
        }
        return out;
    }

    static void assertBitwise(String what, List<Tensor> a, List<Tensor> b) {
        for (int i = 0; i < a.size(); i++) {
            int k = i;
            assertTrue(a.get(i).bitwiseEquals(b.get(i)), () -> what + ": gradient " + k + " differs: "
                    + a.get(k) + " vs " + b.get(k));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "rnn", "gru", "lstm"})
    void truncationLongerThanTheSequenceIsFullBptt(String cell) {
        assertBitwise(cell, gradients(cell, Bptt.full()), gradients(cell, Bptt.truncated(9)));
        assertBitwise(cell, gradients(cell, Bptt.full()), gradients(cell, Bptt.truncated(1000)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "rnn", "gru", "lstm"})
    void randomizedTruncationWithPiOneIsFullBptt(String cell) {
        assertBitwise(cell, gradients(cell, Bptt.full()), gradients(cell, Bptt.randomized(1.0, 5)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "rnn", "gru", "lstm"})
    void checkpointedBpttWithAnyScheduleIsFullBptt(String cell) {
        List<Tensor> full = gradients(cell, Bptt.full());
        for (Schedule s : new Schedule[] {Schedule.storeAll(), Schedule.sqrtT(), Schedule.everyK(2), Schedule.everyK(4),
                Schedule.everyK(100), Schedule.optimal(1), Schedule.optimal(2), Schedule.optimal(3),
                Schedule.optimal(20), Schedule.budget(3 * 2 * 4 * 8 * 2, 2 * 4 * 8 * 2)}) {
            assertBitwise(cell + " " + s, full, gradients(cell, Bptt.checkpointed(s)));
        }
        assertBitwise(cell + " parsed", full, gradients(cell, Bptt.parse("checkpoint:slots=2", 0)));
        assertBitwise(cell + " parsed", full, gradients(cell, Bptt.parse("checkpoint:sqrt", 0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "rnn", "gru", "lstm"})
    void truncationShorterThanTheSequenceChangesTheGradient(String cell) {
        List<Tensor> full = gradients(cell, Bptt.full());
        List<Tensor> cut = gradients(cell, Bptt.truncated(3));
        Supplier<Boolean> anyDiffers = () -> {
            for (int i = 0; i < full.size(); i++) {
                if (!full.get(i).bitwiseEquals(cut.get(i))) {
                    return true;
                }
            }
            return false;
        };
        assertTrue(anyDiffers.get(), "truncation at 3 of 9 steps must change some gradient");
    }
}
