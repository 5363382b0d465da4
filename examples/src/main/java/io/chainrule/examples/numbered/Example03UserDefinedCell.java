package io.chainrule.examples.numbered;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A new recurrent cell needs no derivative code: write its step with autodiff operations and it
 * gets unrolling, every BPTT strategy and gradient checking. Here the minimal gated unit (Zhou et
 * al. 2016), one gate f deciding how much of the state to rewrite:
 * <pre>
 *   f  = σ(x W_fᵀ + h U_fᵀ + b_f)
 *   h' = (1 − f) ⊙ h + f ⊙ tanh(x W_hᵀ + (f ⊙ h) U_hᵀ)
 * </pre>
 * checked against central finite differences with {@link GradCheck}.
 */
public final class Example03UserDefinedCell {
    private Example03UserDefinedCell() {
    }

    /** The whole cell. Read every parameter through {@code p.get} so the library can tie or observe it. */
    static final class MinimalGatedUnit implements Cell {
        private final Var wf, uf, bf, wh, uh;

        MinimalGatedUnit(int in, int hidden, long seed) {
            wf = Var.param(Tensor.randn(seed, 0.4, hidden, in), "W_f");
            uf = Var.param(Tensor.randn(seed + 1, 0.4, hidden, hidden), "U_f");
            bf = Var.param(Tensor.randn(seed + 2, 0.4, hidden), "b_f");
            wh = Var.param(Tensor.randn(seed + 3, 0.4, hidden, in), "W_h");
            uh = Var.param(Tensor.randn(seed + 4, 0.4, hidden, hidden), "U_h");
        }

        public List<Var> parameters() { return List.of(wf, uf, bf, wh, uh); }

        public int inputSize() { return wf.shape()[1]; }

        public int hiddenSize() { return wf.shape()[0]; }

        public State step(Var x, State s, Params p) {
            Var h = s.h();
            Var f = Ops.matmul(x, false, p.get(wf), true).add(Ops.matmul(h, false, p.get(uf), true)).add(p.get(bf)).sigmoid();
            Var n = Ops.matmul(x, false, p.get(wh), true).add(Ops.matmul(f.mul(h), false, p.get(uh), true)).tanh();
            return State.of(h.add(f.mul(n.sub(h))));   // (1 − f) h + f n
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        MinimalGatedUnit cell = new MinimalGatedUnit(3, 5, 11L);
        OutputLayer head = new OutputLayer(5, 2, true, 12L);
        Tensor x = Tensor.randn(13L, 1.0, 15, 4, 3);
        Tensor y = Tensor.randn(14L, 1.0, 15, 4, 2);
        List<Var> parameters = new ArrayList<>(cell.parameters());
        parameters.addAll(head.parameters());

        GradCheck.Report report = GradCheck.check(() -> Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, 4),
                (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), Bptt.full()).loss(), parameters);
        for (GradCheck.InputReport r : report.inputs()) {
            out.printf("%-6s %2d values checked, largest relative error %.1e%n", r.name(), r.checkedCount(), r.relativeError());
        }
        report.assertClose(1e-6);
        out.printf("the minimal gated unit's BPTT gradients agree with finite differences (largest error %.1e, tolerance 1e-6)%n",
                report.maxRelativeError());
    }
}
