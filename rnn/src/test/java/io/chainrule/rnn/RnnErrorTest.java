package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to the rnn module raises an exception whose message names the problem, the step and the shapes. */
class RnnErrorTest {

    private static final StepLoss SUM = (t, h) -> h.sum();

    private static void assertMessage(Class<? extends Throwable> type, Executable call, String... fragments) {
        Throwable e = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void inputsOfTheWrongSizeNameBothShapes() {
        Cell cell = new TanhRnnCell(3, 4, 1);
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 2, 7)),
                Unroll.zeroState(cell, 2), SUM, Bptt.full()), "D = 3", "[5, 2, 7]");
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 7)),
                Unroll.zeroState(cell, 2), SUM, Bptt.full()), "[T, B, D]", "[5, 7]");
    }

    @Test
    void anEmptySequenceIsAnError() {
        Cell cell = new TanhRnnCell(3, 4, 1);
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(0, 2, 3)),
                Unroll.zeroState(cell, 2), SUM, Bptt.full()), "T = 0");
    }

    @Test
    void aStateWhoseBatchDiffersFromTheInputsNamesBothShapes() {
        Cell cell = new TanhRnnCell(3, 4, 1);
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                Unroll.zeroState(cell, 6), SUM, Bptt.full()), "[6, 4]", "[2, 4]", "[5, 2, 3]");
    }

    @Test
    void anLstmNeedsTwoStateParts() {
        Cell cell = new LstmCell(3, 4, 1);
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                State.of(Var.constant(Tensor.zeros(2, 4))), SUM, Bptt.full()), "2 parts", "has 1");
    }

    @Test
    void parametersOfTheWrongShapeNameTheParameterAndBothShapes() {
        assertMessage(IllegalArgumentException.class, () -> new LinearCell(Tensor.zeros(4, 3), Tensor.zeros(4, 5)),
                "W_hh", "[4, 4]", "[4, 5]");
        assertMessage(IllegalArgumentException.class, () -> new TanhRnnCell(0, 4, 1), "input size", "0");
        assertMessage(IllegalArgumentException.class, () -> new TanhRnnCell(3, -2, 1), "hidden size", "-2");
        assertMessage(IllegalArgumentException.class, () -> new OutputLayer(Tensor.zeros(2, 4), Tensor.zeros(3)),
                "bias", "[2]", "[3]");
    }

    @Test
    void aCellWhoseStateShapeDriftsIsStoppedAtThatStep() {
        Cell cell = new DriftingCell(3);
        assertMessage(IllegalStateException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                Unroll.zeroState(cell, 2), SUM, Bptt.full()), "step 2", "[2, 3]", "[2, 6]");
    }

    @Test
    void anErrorInsideAStepNamesTheStep() {
        Cell cell = new Cell() {
            final Var w = Var.param(Tensor.ones(4, 4), "W");

            public List<Var> parameters() {
                return List.of(w);
            }

            public int inputSize() {
                return 3;
            }

            public int hiddenSize() {
                return 4;
            }

            public State step(Var x, State s, Params p) {
                return State.of(Ops.matmul(x, false, p.get(w), true)); // x is [B, 3], W is [4, 4]
            }
        };
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                Unroll.zeroState(cell, 2), SUM, Bptt.full()), "step 0", "[2, 3]", "[4, 4]");
    }

    @Test
    void aStepLossMustBeAScalar() {
        Cell cell = new TanhRnnCell(3, 4, 1);
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                Unroll.zeroState(cell, 2), (t, h) -> h, Bptt.full()), "step 0", "scalar", "[2, 4]");
    }

    @Test
    void strategyParametersOutOfRangeAreErrors() {
        assertMessage(IllegalArgumentException.class, () -> Bptt.truncated(0), "tau", "0");
        assertMessage(IllegalArgumentException.class, () -> Bptt.truncated(-3), "tau", "-3");
        assertMessage(IllegalArgumentException.class, () -> Bptt.randomized(0.0, 1), "(0, 1]", "0.0");
        assertMessage(IllegalArgumentException.class, () -> Bptt.randomized(1.5, 1), "(0, 1]", "1.5");
        assertMessage(IllegalArgumentException.class, () -> Bptt.randomized(Double.NaN, 1), "(0, 1]", "NaN");
        assertMessage(IllegalArgumentException.class, () -> Bptt.randomized(new double[] {0.5, 2.0}, 1),
                "(0, 1]", "step 1");
        assertMessage(IllegalArgumentException.class, () -> Bptt.parse("truncated:x", 1), "truncated:x");
        assertMessage(IllegalArgumentException.class, () -> Bptt.parse("sideways", 1), "sideways");
    }

    @Test
    void aPiScheduleShorterThanTheSequenceIsAnError() {
        Cell cell = new TanhRnnCell(3, 4, 1);
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                Unroll.zeroState(cell, 2), SUM, Bptt.randomized(new double[] {0.5, 0.5}, 1)), "2 entries", "5 steps");
        assertMessage(IllegalArgumentException.class, () -> Unroll.loss(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                Unroll.zeroState(cell, 2), SUM, Bptt.randomizedWithDraws(1, 1)), "2 fixed draws", "5 steps");
    }

    @Test
    void aChunkLongerThanTheSequenceIsAnError() {
        Cell cell = new TanhRnnCell(3, 4, 1);
        assertMessage(IllegalArgumentException.class, () -> Streaming.run(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                Unroll.zeroState(cell, 2), SUM, Bptt.full(), 6, c -> { }), "6", "T = 5");
        assertMessage(IllegalArgumentException.class, () -> Streaming.run(cell, Var.constant(Tensor.zeros(5, 2, 3)),
                Unroll.zeroState(cell, 2), SUM, Bptt.full(), 0, c -> { }), "chunk", "0");
    }

    @Test
    void aZeroOrNegativeBatchIsAnError() {
        Cell cell = new TanhRnnCell(3, 4, 1);
        assertMessage(IllegalArgumentException.class, () -> Unroll.zeroState(cell, 0), "batch", "0");
    }
}
