package io.chainrule.rnn.longseq;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.SequenceSource;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long sequences: the unroll runs in chunks, each chunk's inputs and hoisted projection made when
 * it runs (again when it is recomputed), and a byte budget chooses what is stored. Whatever the
 * strategy, the gradients for one chunk length are bitwise those of full BPTT.
 */
class ChunkedUnrollTest {

    static final int STEPS = 2000;
    static final int BATCH = 2;
    static final int IN = 3;
    static final int HIDDEN = 4;

    static Cell cell(String name) {
        switch (name) {
            case "linear": return new LinearCell(IN, HIDDEN, 31);
            case "rnn": return new TanhRnnCell(IN, HIDDEN, 31);
            case "gru": return new GruCell(IN, HIDDEN, 31);
            default: return new LstmCell(IN, HIDDEN, 31);
        }
    }

    /** Inputs of step t, the same values on every call (a generator, not a held array). */
    static Tensor step(int t) {
        double[] d = new double[BATCH * IN];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.sin(0.37 * t + 1.3 * i) * 0.8;
        }
        return Tensor.wrap(d, BATCH, IN);
    }

    /** Loss, gradients of every parameter and of the initial state, and the peak saved bytes of one run. */
    static List<Tensor> run(Cell cell, BpttStrategy strategy, int chunk, boolean source) {
        OutputLayer head = new OutputLayer(HIDDEN, 1, true, 32);
        List<Var> params = new ArrayList<>(cell.parameters());
        params.addAll(head.parameters());
        params.forEach(Var::zeroGrad);
        Var[] parts = new Var[cell.stateParts()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Var.param(Tensor.randn(33 + i, 0.5, BATCH, HIDDEN), "s0_" + i);
        }
        StepLoss loss = (t, h) -> Losses.mse(head.apply(h), Var.constant(Tensor.full(Math.cos(0.1 * t), BATCH, 1)));
        SequenceSource src = SequenceSource.generated(STEPS, BATCH, IN, ChunkedUnrollTest::step);
        Memory.reset();
        Var l = source ? Unroll.loss(cell, src, State.of(parts), loss, strategy, chunk).loss()
                : Unroll.loss(cell, Var.constant(src.inputs(0, STEPS)), State.of(parts), loss, strategy).loss();
        l.backward();
        List<Tensor> out = new ArrayList<>();
        out.add(l.value());
        params.forEach(p -> out.add(p.grad()));
        for (Var p : parts) {
            out.add(p.grad());
        }
        out.add(Tensor.scalar(Memory.peakSavedBytes()));
        return out;
    }

    static void assertBitwise(String what, List<Tensor> a, List<Tensor> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size() - 1; i++) { // the last entry is the peak memory
            assertTrue(a.get(i).bitwiseEquals(b.get(i)), what + ": value " + i + " differs");
        }
    }

    @Test
    void underAMemoryBudgetGradientsAreBitwiseFullBpttAtTwoThousandStepsForEveryCell() {
        for (String name : new String[] {"linear", "rnn", "gru", "lstm"}) {
            Cell cell = cell(name);
            List<Tensor> full = run(cell, Bptt.full(), 100, true);
            long fullPeak = (long) full.get(full.size() - 1).item();
            long budget = fullPeak / 8;
            List<Tensor> budgeted = run(cell, Bptt.budget(budget), 100, true);
            assertBitwise(name + " under a budget of " + budget + " bytes", full, budgeted);
            long peak = (long) budgeted.get(budgeted.size() - 1).item();
            assertTrue(peak <= budget, name + ": peak saved " + peak + " bytes, budget " + budget);
        }
    }

    @Test
    void withManyChunksEveryStrategyAgreesBitwiseWithFullBpttOfTheSameChunks() {
        for (String name : new String[] {"rnn", "lstm"}) {
            Cell cell = cell(name);
            List<Tensor> full = run(cell, Bptt.full(), 64, true);
            assertBitwise(name + ", sqrt", full, run(cell, Bptt.parse("checkpoint:sqrt", 0), 64, true));
            assertBitwise(name + ", slots=3", full, run(cell, Bptt.checkpointed(Schedule.optimal(3)), 64, true));
            long fullPeak = (long) full.get(full.size() - 1).item();
            List<Tensor> budgeted = run(cell, Bptt.budget(fullPeak / 10), 64, true);
            assertBitwise(name + ", budget", full, budgeted);
            assertTrue((long) budgeted.get(budgeted.size() - 1).item() <= fullPeak / 10);
            // truncation recomputed in chunks is truncation stored in chunks
            assertBitwise(name + ", truncated", run(cell, Bptt.truncated(50), 64, true),
                    run(cell, Bptt.checkpointed(Bptt.truncated(50), Schedule.sqrtT()), 64, true));
        }
    }

    @Test
    void aSourceGivesTheSameLossAndGradientsAsTheSameInputsHeldWhole() {
        // one chunk (T·B = 4000 rows): the held inputs' path is exactly the source's
        Cell cell = cell("gru");
        assertBitwise("gru", run(cell, Bptt.full(), 0, false), run(cell, Bptt.full(), 0, true));
    }

    @Test
    void aBudgetThatHoldsNoScheduleSaysWhatItNeeds() {
        Cell cell = cell("lstm");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(cell, Bptt.budget(100), 64, true));
        assertTrue(e.getMessage().contains("memory budget of 100 B") && e.getMessage().contains("give at least"),
                e.getMessage());
    }
}
