package io.chainrule.rnn.precision;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LayerPosition;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * float32 models: every built-in cell's float32 gradients agree with its float64 gradients (the
 * same weights, rounded) within 1e-4 of each parameter's largest entry; checkpointed float32 BPTT
 * is bitwise float32 full BPTT; and a float32 unroll saves half the bytes of a float64 one.
 */
class Float32CellProperties {

    static final String[] CELLS = {"linear", "rnn", "gru", "lstm"};

    static Cell cell(String name, int in, int hidden, long seed, DType dtype) {
        switch (name) {
            case "linear": return new LinearCell(in, hidden, new Well19937c(seed), dtype);
            case "rnn": return new TanhRnnCell(in, hidden, LayerPosition.FIRST, new Well19937c(seed), dtype);
            case "gru": return new GruCell(in, hidden, LayerPosition.FIRST, new Well19937c(seed), dtype);
            default: return new LstmCell(in, hidden, LayerPosition.FIRST, new Well19937c(seed), dtype);
        }
    }

    /** Loss, then the gradient of every parameter (cell, head), all as float64 tensors, and the peak saved bytes. */
    static List<Tensor> run(String name, DType dtype, BpttStrategy strategy, int batch, int steps, long seed) {
        int in = 3;
        int hidden = 5;
        Cell cell = cell(name, in, hidden, seed, dtype);
        OutputLayer head = new OutputLayer(hidden, 2, true, new Well19937c(seed + 1), dtype);
        Tensor x = Tensor.randn(seed + 2, 1.0, steps, batch, in).cast(dtype);
        Tensor y = Tensor.randn(seed + 3, 1.0, steps, batch, 2);
        Memory.reset();
        Var loss = Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, batch),
                (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), strategy).loss();
        loss.backward();
        List<Tensor> out = new ArrayList<>();
        out.add(loss.value());
        for (Var p : cell.parameters()) {
            assertEquals(dtype, p.grad().dtype(), name + ": a parameter's gradient has its dtype");
            out.add(p.grad());
        }
        head.parameters().forEach(p -> out.add(p.grad()));
        out.add(Tensor.scalar(Memory.peakSavedBytes()));
        return out;
    }

    @Property(tries = 12)
    void float32GradientsAgreeWithFloat64WithinOneInTenThousand(@ForAll @IntRange(min = 1, max = 4) int batch,
                                                                 @ForAll @IntRange(min = 1, max = 30) int steps,
                                                                 @ForAll long seed) {
        for (String name : CELLS) {
            List<Tensor> f64 = run(name, DType.FLOAT64, Bptt.full(), batch, steps, seed);
            List<Tensor> f32 = run(name, DType.FLOAT32, Bptt.full(), batch, steps, seed);
            for (int i = 0; i < f64.size() - 1; i++) {
                Tensor a = f64.get(i);
                Tensor b = f32.get(i).cast(DType.FLOAT64);
                double scale = Math.max(a.abs().maxValue(), Float.MIN_NORMAL);
                double err = a.maxAbsDiff(b) / scale;
                assertTrue(err <= 1e-4, name + ": value " + i + " differs by " + err + " of its largest entry");
            }
        }
    }

    @Test
    void float32CheckpointedBpttIsBitwiseFloat32FullBptt() {
        for (String name : CELLS) {
            List<Tensor> full = run(name, DType.FLOAT32, Bptt.full(), 3, 40, 7);
            for (BpttStrategy s : List.of(Bptt.checkpointed(Schedule.sqrtT()), Bptt.checkpointed(Schedule.optimal(3)))) {
                List<Tensor> ck = run(name, DType.FLOAT32, s, 3, 40, 7);
                for (int i = 0; i < full.size() - 1; i++) {
                    assertTrue(full.get(i).bitwiseEquals(ck.get(i)), name + ", " + s.name() + ": value " + i);
                }
            }
        }
    }

    @Test
    void aFloat32UnrollSavesHalfTheBytesOfAFloat64One() {
        for (String name : CELLS) {
            List<Tensor> f64 = run(name, DType.FLOAT64, Bptt.full(), 4, 30, 9);
            List<Tensor> f32 = run(name, DType.FLOAT32, Bptt.full(), 4, 30, 9);
            double b64 = f64.get(f64.size() - 1).item();
            double b32 = f32.get(f32.size() - 1).item();
            assertTrue(b64 > 0);
            assertEquals(0.5, b32 / b64, 1e-12, name + ": saved bytes " + b32 + " against " + b64);
        }
    }
}
