package io.chainrule.rnn.cell;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GRU and LSTM steps use the fused gate ops; the same cells stepping through their composed
 * equations ({@code composedGates}) give the same loss and gradients over whole unrolls, stored,
 * checkpointed and truncated, in float64 and float32.
 *
 * <p>The LSTM's are bitwise the same. The GRU's loss is bitwise the same and its gradients agree to
 * about one rounding: h_t's gradient is the sum of three arrivals (g⊙z from the next step's gates,
 * the next step's {@code dhh·W_hh}, the head's), and the engine accumulates the matmul product
 * straight into the sum when it owns the buffer holding the first arrival. The fused op hands over
 * g⊙z in a buffer of its own, so the product continues that sum's chain of fused multiply-adds; the
 * composed form's {@code hPrev − n} passes g⊙z on shared with the negation's input, so the product
 * is made apart and then added. Both orders are exact to one rounding; neither is the reference. Carried back through 25
 * steps the difference stays within 16 units of roundoff of each gradient's largest entry.
 * The ops themselves are bitwise the composed equations ({@code GateProperties}).
 */
class FusedGatesUnrollTest {

    /** The cell's own parameters and projection, its step through the composed equations. */
    private static Cell composed(LayoutCell cell) {
        return new Cell() {
            public List<Var> parameters() {
                return cell.parameters();
            }

            public int inputSize() {
                return cell.inputSize();
            }

            public int hiddenSize() {
                return cell.hiddenSize();
            }

            public int stateParts() {
                return cell.stateParts();
            }

            public Var prepareInputs(Var inputs, Params p) {
                return cell.prepareInputs(inputs, p);
            }

            public State step(Var input, State previous, Params p) {
                if (cell instanceof LstmCell) {
                    Var gates = Ops.addMatMul(input, previous.h(), false, p.get(cell.w.wHh), true);
                    Var[] hc = LstmCell.composedGates(gates, previous.get(1));
                    return State.of(hc[0], hc[1]);
                }
                Var hPrev = previous.h();
                Var hh = Ops.matmul(hPrev, false, p.get(cell.w.wHh), true).add(p.get(cell.w.bHh));
                return State.of(GruCell.composedGates(input, hh, hPrev));
            }
        };
    }

    private static List<Tensor> run(Cell cell, OutputLayer head, DType d, BpttStrategy strategy) {
        List<Var> params = new ArrayList<>(cell.parameters());
        params.addAll(head.parameters());
        params.forEach(Var::zeroGrad);
        Tensor x = Tensor.randn(5, 1.0, 25, 3, 4).cast(d);
        Tensor y = Tensor.randn(6, 1.0, 25, 3, 2);
        Var loss = Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, 3),
                (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), strategy).loss();
        loss.backward();
        List<Tensor> out = new ArrayList<>();
        out.add(loss.value());
        params.forEach(p -> out.add(p.grad().copy()));
        return out;
    }

    @Test
    void fusedAndComposedGatesGiveTheSameUnrolls() {
        for (DType d : DType.values()) {
            for (int kind = 0; kind < 2; kind++) {
                LayoutCell cell = kind == 0 ? new LstmCell(4, 6, LayerPosition.FIRST, new Well19937c(1), d)
                        : new GruCell(4, 6, LayerPosition.FIRST, new Well19937c(1), d);
                OutputLayer head = new OutputLayer(6, 2, true, new Well19937c(2), d);
                for (BpttStrategy s : List.of(Bptt.full(), Bptt.checkpointed(Schedule.sqrtT()), Bptt.truncated(7))) {
                    List<Tensor> fused = run(cell, head, d, s);
                    List<Tensor> composed = run(composed(cell), head, d, s);
                    for (int i = 0; i < fused.size(); i++) {
                        String what = cell.name() + ", " + d + ", " + s.name() + ": value " + i;
                        if (kind == 0 || i == 0) {
                            assertTrue(fused.get(i).bitwiseEquals(composed.get(i)), what);
                        } else {
                            // See the class comment: one rounding of a three-term sum may differ.
                            double scale = Math.max(1e-300, Math.max(composed.get(i).maxValue(), -composed.get(i).minValue()));
                            double eps = d == DType.FLOAT32 ? Math.ulp(1.0f) : Math.ulp(1.0);
                            assertTrue(fused.get(i).maxAbsDiff(composed.get(i)) <= 16 * eps * scale,
                                    what + " differs by " + fused.get(i).maxAbsDiff(composed.get(i)) + " at scale " + scale);
                        }
                    }
                }
            }
        }
    }
}
