package io.chainrule.examples.numbered;

import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Plan;
import io.chainrule.autodiff.checkpoint.Planner;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LstmCell;

import java.io.PrintStream;
import java.util.List;

/**
 * Checkpointing trades memory for recomputation: keep only some states in forward and recompute
 * the rest during backward. An LSTM over T = 200 steps is differentiated under several schedules;
 * for each: the peak of saved activations (the engine's {@link Memory} account), the step
 * evaluations actually made (counted), the planner's prediction of them ({@link Planner#plan}), and
 * whether the gradient is bitwise that of storing everything (it must be).
 */
public final class Example05CheckpointTradeoff {
    private Example05CheckpointTradeoff() {
    }

    /** An LSTM that counts how often its step runs. */
    static final class CountingCell implements Cell {
        private final Cell inner;
        long steps;

        CountingCell(Cell inner) {
            this.inner = inner;
        }

        public List<Var> parameters() { return inner.parameters(); }

        public int inputSize() { return inner.inputSize(); }

        public int hiddenSize() { return inner.hiddenSize(); }

        public int stateParts() { return inner.stateParts(); }

        public Var prepareInputs(Var inputs, Params p) { return inner.prepareInputs(inputs, p); }

        public State step(Var x, State s, Params p) {
            steps++;
            return inner.step(x, s, p);
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        int steps = 200;
        CountingCell cell = new CountingCell(new LstmCell(16, 32, 1L));
        Var x = Var.constant(Tensor.randn(2L, 1.0, steps, 8, 16));
        List<Schedule> schedules = List.of(Schedule.storeAll(), Schedule.everyK(20), Schedule.sqrtT(), Schedule.optimal(8),
                Schedule.optimal(3));
        Tensor reference = null;
        out.printf("LSTM, H=32, B=8, T=%d: forward + backward under each checkpoint schedule%n", steps);
        out.println("schedule        peak saved (KB)  step evaluations  planned  gradient = store all");
        for (Schedule s : schedules) {
            for (Var p : cell.parameters()) {
                p.zeroGrad();
            }
            cell.steps = 0;
            long before = Memory.savedBytes();
            Memory.resetPeak();
            Var loss = Unroll.loss(cell, x, Unroll.zeroState(cell, 8), (t, h) -> h.sum(), Bptt.checkpointed(s)).loss();
            loss.backward();
            long peak = Memory.peakSavedBytes() - before;
            Plan plan = Planner.plan(steps, s);
            Tensor g = cell.parameters().get(1).grad();   // ∂L/∂W_hh
            boolean same = reference == null || g.bitwiseEquals(reference);
            reference = reference == null ? g.copy() : reference;
            out.printf("%-15s %15.1f %17d %8d  %s%n", s, peak / 1e3, cell.steps, plan.evaluations(), same ? "bitwise" : "NO");
            if (!same || cell.steps != plan.evaluations()) {
                throw new AssertionError(s + ": gradient bitwise equal " + same + ", " + cell.steps + " evaluations, planned "
                        + plan.evaluations());
            }
        }
        out.println("fewer stored states, more recomputation; the gradient never changes");
    }
}
