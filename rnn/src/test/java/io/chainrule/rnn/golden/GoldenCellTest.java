package io.chainrule.rnn.golden;

import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;


/**
 * The built-in cells against PyTorch's {@code nn.RNN}, {@code nn.GRU} and {@code nn.LSTM}: the
 * fixtures of {@code rnn/src/test/python/golden_cells.py} (T=5, B=3, D=4, H=6, float64) give the
 * weights, inputs and initial states, every state h_t (and c_t), the loss
 * {@code L = (1/T) Σ_t Σ R_t ⊙ h_t} and its gradient with respect to every parameter, the inputs
 * and the initial state. Each cell is built with those weights (found by their PyTorch names) and
 * must reproduce every number to within {@value #TOLERANCE} of the largest entry of its tensor,
 * under full and checkpointed BPTT. Finite differences cannot catch a forward that is wrong but
 * self-consistent (a GRU's b_hn outside the reset gate, two LSTM gates swapped); these can.
 */
class GoldenCellTest {

    static final double TOLERANCE = 1e-12;

    private static final int D = 4;
    private static final int H = 6;

    private static final List<BpttStrategy> STRATEGIES = List.of(Bptt.full(), Bptt.checkpointed(Schedule.everyK(2)),
            Bptt.checkpointed(Schedule.optimal(1)));

    @Test
    void theTanhRnnIsPyTorchsRnn() {
        check("rnn", () -> new TanhRnnCell(D, H, 0));
    }

    @Test
    void theGruIsPyTorchsGru() {
        check("gru", () -> new GruCell(D, H, 0));
    }

    @Test
    void theLstmIsPyTorchsLstm() {
        check("lstm", () -> new LstmCell(D, H, 0));
    }

    private static void check(String name, java.util.function.Supplier<Cell> newCell) {
        GoldenFixture f = GoldenFixture.load(name);
        for (BpttStrategy strategy : STRATEGIES) {
            String where = f.file() + " under " + strategy.name();
            Cell cell = f.loadInto(newCell.get(), f::get);
            Var x = Var.param(f.get("x"), "x");
            List<Var> initial = new ArrayList<>();
            initial.add(Var.param(f.get("h0"), "h0"));
            if (cell.stateParts() == 2) {
                initial.add(Var.param(f.get("c0"), "c0"));
            }
            State s0 = State.of(initial.toArray(new Var[0]));
            Tensor r = f.get("R");
            Var loss = Unroll.loss(cell, x, s0, (t, h) -> Ops.sum(Ops.mul(h, Var.constant(r.row(t)))), strategy).loss();
            GoldenFixture.assertClose(where, "loss", f.get("loss"), loss.value(), TOLERANCE);
            loss.backward();
            for (Var p : cell.parameters()) {
                GoldenFixture.assertClose(where, "grad_" + p.name(), f.get("grad_" + p.name()), p.grad(), TOLERANCE);
            }
            GoldenFixture.assertClose(where, "grad_x", f.get("grad_x"), x.grad(), TOLERANCE);
            GoldenFixture.assertClose(where, "grad_h0", f.get("grad_h0"), initial.get(0).grad(), TOLERANCE);
            if (cell.stateParts() == 2) {
                GoldenFixture.assertClose(where, "grad_c0", f.get("grad_c0"), initial.get(1).grad(), TOLERANCE);
            }
        }
        // every state of the forward
        Cell cell = f.loadInto(newCell.get(), f::get);
        List<State> states;
        try (NoGrad scope = NoGrad.enter()) {
            Var[] s0 = cell.stateParts() == 2
                    ? new Var[] {Var.constant(f.get("h0")), Var.constant(f.get("c0"))}
                    : new Var[] {Var.constant(f.get("h0"))};
            states = Unroll.states(cell, Var.constant(f.get("x")), State.of(s0));
        }
        Tensor h = f.get("h");
        for (int t = 0; t < states.size(); t++) {
            GoldenFixture.assertClose(f.file(), "h[" + t + "]", h.row(t), states.get(t).h().value(), TOLERANCE);
            if (f.has("c")) {
                GoldenFixture.assertClose(f.file(), "c[" + t + "]", f.get("c").row(t), states.get(t).get(1).value(), TOLERANCE);
            }
        }
    }
}
