package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unroll donates each step's slice of the hoisted inputs to the step only when the strategy runs
 * each step once (no recomputation) and the prepared inputs are storage the cell made, nobody
 * else's; donation changes no bit of the loss or the gradients, and never a caller's tensor.
 */
class DonationUnrollTest {

    /** A cell that runs another and then notes whether the step's input can still be read. */
    private static final class Probe implements Cell {
        final Cell inner;
        int overwritten;
        int steps;

        Probe(Cell inner) {
            this.inner = inner;
        }

        @Override
        public List<Var> parameters() {
            return inner.parameters();
        }

        @Override
        public int inputSize() {
            return inner.inputSize();
        }

        @Override
        public int hiddenSize() {
            return inner.hiddenSize();
        }

        @Override
        public int stateParts() {
            return inner.stateParts();
        }

        @Override
        public Var prepareInputs(Var inputs, Params params) {
            return inner.prepareInputs(inputs, params);
        }

        @Override
        public State step(Var input, State previous, Params params) {
            State next = inner.step(input, previous, params);
            steps++;
            try {
                input.value();
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage().contains("addmm"), e.getMessage());
                overwritten++;
            }
            return next;
        }
    }

    /** Full BPTT through the checkpointed chain with every state stored: the same graph, but Unroll must not donate. */
    private static final BpttStrategy FULL_UNDECLARED = Bptt.checkpointed(Schedule.storeAll());

    private static List<Tensor> lossAndGradients(Probe cell, BpttStrategy strategy, Var x) {
        int batch = 3;
        List<Var> h0 = new ArrayList<>();
        for (int i = 0; i < cell.stateParts(); i++) {
            h0.add(Var.param(Tensor.randn(6 + i, 0.5, batch, cell.hiddenSize()), "s" + i));
        }
        for (Var p : cell.parameters()) {
            p.zeroGrad();
        }
        State initial = State.of(h0.toArray(new Var[0]));
        Var loss = Unroll.loss(cell, x, initial, (t, h) -> h.mul(h).sum(), strategy).loss();
        loss.backward();
        List<Tensor> out = new ArrayList<>();
        out.add(loss.value());
        cell.parameters().forEach(p -> out.add(p.grad()));
        h0.forEach(v -> out.add(v.grad()));
        return out;
    }

    private static List<Tensor> lossAndGradients(Probe cell, BpttStrategy strategy) {
        return lossAndGradients(cell, strategy, Var.constant(Tensor.randn(5, 1.0, 7, 3, cell.inputSize())));
    }

    @Test
    void stepsWriteOverTheirInputsUnderFullBpttAndNoBitChanges() {
        for (Cell inner : new Cell[] {new TanhRnnCell(4, 5, 1), new LstmCell(4, 5, 2)}) {
            Probe donated = new Probe(inner);
            List<Tensor> a = lossAndGradients(donated, Bptt.full());
            assertEquals(7, donated.overwritten, inner.name() + ": every step writes over its input slice");
            Probe kept = new Probe(inner);
            List<Tensor> b = lossAndGradients(kept, FULL_UNDECLARED);
            assertEquals(0, kept.overwritten, "a strategy that recomputes (or may) gets no donation");
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertTrue(a.get(i).bitwiseEquals(b.get(i)), inner.name() + ": value " + i + " differs with donation");
            }
        }
    }

    @Test
    void noDonationWhenTheStrategyRecomputes() {
        Probe checkpointed = new Probe(new TanhRnnCell(4, 5, 1));
        List<Tensor> a = lossAndGradients(checkpointed, Bptt.parse("checkpoint:sqrt", 0));
        assertTrue(checkpointed.steps > 7, "the checkpointed strategy recomputes steps");
        assertEquals(0, checkpointed.overwritten);
        List<Tensor> b = lossAndGradients(new Probe(new TanhRnnCell(4, 5, 1)), Bptt.full());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.get(i).bitwiseEquals(b.get(i)), "value " + i);
        }
    }

    /** A linear cell (D = H) whose prepared inputs are its inputs, reshaped: a view of the caller's storage. */
    private static final class ViewOfInputs implements Cell {
        final LinearCell inner = new LinearCell(4, 4, 3);

        @Override
        public List<Var> parameters() {
            return inner.parameters();
        }

        @Override
        public int inputSize() {
            return 4;
        }

        @Override
        public int hiddenSize() {
            return 4;
        }

        @Override
        public Var prepareInputs(Var inputs, Params params) {
            int[] s = inputs.shape();
            return Ops.reshape(inputs, s[0] * s[1], s[2]).reshape(s);
        }

        @Override
        public State step(Var input, State previous, Params p) {
            return State.of(Ops.addMatMul(input, previous.h(), false, p.get(inner.wHh()), true));
        }
    }

    @Test
    void preparedInputsThatAreAViewOfTheInputsAreNeverWrittenOver() {
        // the inputs as data (a constant), and as an op's result (a first layer's output, say)
        Tensor data = Tensor.randn(11, 1.0, 7, 3, 4);
        Var weight = Var.param(Tensor.randn(12, 1.0, 7, 3, 4), "upstream");
        for (Var inputs : new Var[] {Var.constant(data), weight.mul(2.0)}) {
            Tensor before = inputs.value().copy();
            Probe probe = new Probe(new ViewOfInputs());
            lossAndGradients(probe, Bptt.full(), inputs);
            assertEquals(0, probe.overwritten, "no slice of the caller's inputs was donated");
            assertTrue(inputs.value().bitwiseEquals(before), "the caller's inputs are unchanged");
        }
    }
}
