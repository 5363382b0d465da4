package io.chainrule.rnn;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.bptt.Carry;
import io.chainrule.rnn.bptt.Chain;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unroll donates each step's slice of the hoisted inputs to the step only when the cell's prepared
 * inputs are its own and the strategy runs each step once; donation changes no bit of the loss or
 * the gradients.
 */
class DonationUnrollTest {

    /** A cell that runs another and then notes whether the step's input can still be read. */
    private static final class Probe implements Cell {
        final Cell inner;
        final boolean own;
        int overwritten;
        int steps;

        Probe(Cell inner, boolean own) {
            this.inner = inner;
            this.own = own;
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
        public boolean preparedInputsAreOwn() {
            return own;
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

    /** Full BPTT, but not declaring that it runs each step once (so Unroll must not donate). */
    private static final BpttStrategy FULL_UNDECLARED = new BpttStrategy() {
        @Override
        public Carry unroll(Chain chain, Carry start, int steps) {
            return Bptt.full().unroll(chain, start, steps);
        }

        @Override
        public String name() {
            return "full, undeclared";
        }
    };

    private static List<Tensor> lossAndGradients(Probe cell, BpttStrategy strategy) {
        int batch = 3;
        Tensor x = Tensor.randn(5, 1.0, 7, batch, cell.inputSize());
        List<Var> h0 = new ArrayList<>();
        for (int i = 0; i < cell.stateParts(); i++) {
            h0.add(Var.param(Tensor.randn(6 + i, 0.5, batch, cell.hiddenSize()), "s" + i));
        }
        for (Var p : cell.parameters()) {
            p.zeroGrad();
        }
        State initial = State.of(h0.toArray(new Var[0]));
        Var loss = Unroll.loss(cell, Var.constant(x), initial, (t, h) -> h.mul(h).sum(), strategy).loss();
        loss.backward();
        List<Tensor> out = new ArrayList<>();
        out.add(loss.value());
        cell.parameters().forEach(p -> out.add(p.grad()));
        h0.forEach(v -> out.add(v.grad()));
        return out;
    }

    @Test
    void stepsWriteOverTheirInputsUnderFullBpttAndNoBitChanges() {
        for (Cell inner : new Cell[] {new TanhRnnCell(4, 5, 1), new LstmCell(4, 5, 2)}) {
            Probe donated = new Probe(inner, inner.preparedInputsAreOwn());
            List<Tensor> a = lossAndGradients(donated, Bptt.full());
            assertEquals(7, donated.overwritten, inner.name() + ": every step writes over its input slice");
            Probe kept = new Probe(inner, true);
            List<Tensor> b = lossAndGradients(kept, FULL_UNDECLARED);
            assertEquals(0, kept.overwritten, "a strategy that does not declare one run per step gets no donation");
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertTrue(a.get(i).bitwiseEquals(b.get(i)), inner.name() + ": value " + i + " differs with donation");
            }
        }
    }

    @Test
    void noDonationWhenTheStrategyRecomputesOrTheCellDoesNotOwnItsInputs() {
        Probe checkpointed = new Probe(new TanhRnnCell(4, 5, 1), true);
        List<Tensor> a = lossAndGradients(checkpointed, Bptt.parse("checkpoint:sqrt", 0));
        assertTrue(checkpointed.steps > 7, "the checkpointed strategy recomputes steps");
        assertEquals(0, checkpointed.overwritten);
        Probe notOwn = new Probe(new TanhRnnCell(4, 5, 1), false);
        List<Tensor> b = lossAndGradients(notOwn, Bptt.full());
        assertEquals(0, notOwn.overwritten, "a cell that does not declare its prepared inputs its own gets no donation");
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.get(i).bitwiseEquals(b.get(i)), "value " + i);
        }
        assertTrue(Bptt.truncated(3).runsEachStepOnce() && Bptt.full().runsEachStepOnce());
        assertTrue(!Bptt.parse("checkpoint:sqrt", 0).runsEachStepOnce());
    }
}
