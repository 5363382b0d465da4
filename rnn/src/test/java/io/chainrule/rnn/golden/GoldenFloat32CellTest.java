package io.chainrule.rnn.golden;

import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.DType;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in cells in float32 against PyTorch's {@code nn.RNN}, {@code nn.GRU} and
 * {@code nn.LSTM} in float32: the fixtures {@code golden/{rnn,gru,lstm}-f32.txt} of
 * {@code rnn/src/test/python/golden_cells.py --float32} (the problem of {@link GoldenCellTest},
 * with PyTorch's module, inputs, forward and backward all in float32). Each cell is built in
 * {@link DType#FLOAT32} with those weights and must reproduce every state h_t (and c_t), the loss and
 * its gradient with respect to every parameter, the inputs and the initial state to within
 * {@value #TOLERANCE} of the largest entry of each tensor, under full and checkpointed BPTT; and
 * every checkpointed result must be bitwise that of full BPTT. Run with {@code -Dgolden.report} to
 * print the error of every tensor; the largest per cell is always printed.
 */
class GoldenFloat32CellTest {

    static final double TOLERANCE = 1e-5;

    private static final int D = 4;
    private static final int H = 6;

    private static final List<BpttStrategy> STRATEGIES = List.of(Bptt.full(), Bptt.checkpointed(Schedule.everyK(2)),
            Bptt.checkpointed(Schedule.optimal(1)));

    @Test
    void theFloat32TanhRnnIsPyTorchsFloat32Rnn() {
        check("rnn-f32", () -> new TanhRnnCell(D, H, 0L, DType.FLOAT32));
    }

    @Test
    void theFloat32GruIsPyTorchsFloat32Gru() {
        check("gru-f32", () -> new GruCell(D, H, 0L, DType.FLOAT32));
    }

    @Test
    void theFloat32LstmIsPyTorchsFloat32Lstm() {
        check("lstm-f32", () -> new LstmCell(D, H, 0L, DType.FLOAT32));
    }

    private static void check(String name, Supplier<Cell> newCell) {
        GoldenFixture f = GoldenFixture.load(name);
        double[] worst = {0};
        String[] worstAt = {"nothing"};
        Map<String, Tensor> full = null;
        for (BpttStrategy strategy : STRATEGIES) {
            String where = f.file() + " under " + strategy.name();
            Map<String, Tensor> got = lossAndGradients(newCell.get(), f, strategy);
            for (Map.Entry<String, Tensor> e : got.entrySet()) {
                assertEquals(DType.FLOAT32, e.getValue().dtype(), where + ": " + e.getKey() + " is not float32");
                double err = GoldenFixture.assertClose(where, e.getKey(), f.get(e.getKey()), e.getValue(), TOLERANCE);
                if (err > worst[0]) {
                    worst[0] = err;
                    worstAt[0] = e.getKey() + " under " + strategy.name();
                }
            }
            if (full == null) {
                full = got;
            } else {
                for (Map.Entry<String, Tensor> e : got.entrySet()) {
                    assertTrue(e.getValue().bitwiseEquals(full.get(e.getKey())),
                            () -> where + ": " + e.getKey() + " is not bitwise that of full BPTT");
                }
            }
        }
        // every state of the forward
        Cell cell = f.loadInto(newCell.get(), n -> float32(f, n));
        List<State> states;
        try (NoGrad scope = NoGrad.enter()) {
            Var[] s0 = cell.stateParts() == 2
                    ? new Var[] {Var.constant(float32(f, "h0")), Var.constant(float32(f, "c0"))}
                    : new Var[] {Var.constant(float32(f, "h0"))};
            states = Unroll.states(cell, Var.constant(float32(f, "x")), State.of(s0));
        }
        assertEquals(f.get("h").shape()[0], states.size(), f.file() + ": number of states");
        for (int t = 0; t < states.size(); t++) {
            List<String> parts = f.has("c") ? List.of("h", "c") : List.of("h");
            for (int k = 0; k < parts.size(); k++) {
                String part = parts.get(k) + "[" + t + "]";
                Tensor value = states.get(t).get(k).value();
                assertEquals(DType.FLOAT32, value.dtype(), f.file() + ": " + part + " is not float32");
                double err = GoldenFixture.assertClose(f.file(), part, f.get(parts.get(k)).row(t), value, TOLERANCE);
                if (err > worst[0]) {
                    worst[0] = err;
                    worstAt[0] = part;
                }
            }
        }
        System.out.printf("%s: float32 chainrule against float32 PyTorch, largest difference / scale %.3e (%s)%n",
                f.file(), worst[0], worstAt[0]);
    }

    /** The loss and every gradient (under their fixture names) of one float32 run under {@code strategy}. */
    private static Map<String, Tensor> lossAndGradients(Cell cell, GoldenFixture f, BpttStrategy strategy) {
        f.loadInto(cell, n -> float32(f, n));
        Var x = Var.param(float32(f, "x"), "x");
        List<Var> initial = new ArrayList<>();
        initial.add(Var.param(float32(f, "h0"), "h0"));
        if (cell.stateParts() == 2) {
            initial.add(Var.param(float32(f, "c0"), "c0"));
        }
        Tensor r = float32(f, "R");
        Var loss = Unroll.loss(cell, x, State.of(initial.toArray(new Var[0])),
                (t, h) -> Ops.sum(Ops.mul(h, Var.constant(r.row(t)))), strategy).loss();
        loss.backward();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("loss", loss.value());
        for (Var p : cell.parameters()) {
            out.put("grad_" + p.name(), p.grad());
        }
        out.put("grad_x", x.grad());
        out.put("grad_h0", initial.get(0).grad());
        if (cell.stateParts() == 2) {
            out.put("grad_c0", initial.get(1).grad());
        }
        return out;
    }

    /** The fixture's tensor {@code name} as float32, checking that it holds float32 values (the cast is exact). */
    private static Tensor float32(GoldenFixture f, String name) {
        Tensor wide = f.get(name);
        Tensor narrow = wide.cast(DType.FLOAT32);
        assertTrue(narrow.cast(DType.FLOAT64).bitwiseEquals(wide), () -> f.file() + ": '" + name
                + "' holds values that are not float32");
        return narrow;
    }
}
