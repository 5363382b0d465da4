package io.chainrule.rnn;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.reference.LinearRnnClosedForm;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Autodiff BPTT on the linear RNN equals the chapter's closed form (an independent oracle). */
class ClosedFormProperties {

    @Property(tries = 60)
    void autodiffBpttEqualsTheClosedFormOfTheLinearRnn(@ForAll @IntRange(min = 1, max = 50) int steps,
                                                        @ForAll @IntRange(min = 1, max = 5) int batch,
                                                        @ForAll @IntRange(min = 1, max = 6) int in,
                                                        @ForAll @IntRange(min = 1, max = 6) int hidden,
                                                        @ForAll @IntRange(min = 1, max = 4) int out,
                                                        @ForAll long seed) {
        // keep the recurrence stable: spectral radius of W_hh below 1 (scaled by 0.9 / max row sum)
        Tensor wHh = Tensor.randn(seed, 1.0, hidden, hidden);
        double rowSum = 0;
        for (int i = 0; i < hidden; i++) {
            double s = 0;
            for (int j = 0; j < hidden; j++) {
                s += Math.abs(wHh.get(i, j));
            }
            rowSum = Math.max(rowSum, s);
        }
        wHh = wHh.mul(0.9 / rowSum);
        Tensor wHx = Tensor.randn(seed + 1, 0.5, hidden, in);
        Tensor wQh = Tensor.randn(seed + 2, 0.5, out, hidden);
        Tensor x = Tensor.randn(seed + 3, 1.0, steps, batch, in);
        Tensor y = Tensor.randn(seed + 4, 1.0, steps, batch, out);
        Tensor h0 = Tensor.randn(seed + 5, 1.0, batch, hidden);

        LinearRnnClosedForm.Result ref = LinearRnnClosedForm.compute(x, h0, wHx, wHh, wQh,
                (o, t) -> o.sub(y.row(t)).square().mean().item(),
                (o, t) -> o.sub(y.row(t)).mul(2.0 / (batch * out)));

        LinearCell cell = new LinearCell(wHx.copy(), wHh.copy());
        OutputLayer head = new OutputLayer(wQh.copy(), null);
        Var initial = Var.param(h0.copy(), "h0");
        SequenceLoss r = Unroll.loss(cell, Var.constant(x), State.of(initial),
                (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), Bptt.full());
        r.loss().backward();

        assertClose("loss", Tensor.scalar(ref.loss), r.loss().value());
        assertClose("dW_qh", ref.dWqh, head.weight().grad());
        assertClose("dW_hx", ref.dWhx, cell.wHx().grad());
        assertClose("dW_hh", ref.dWhh, cell.wHh().grad());
        assertClose("dh_0", ref.dH0, initial.grad());
    }

    /** Relative error max|a - b| / max|b| at most 1e-12. */
    static void assertClose(String what, Tensor want, Tensor got) {
        double scale = Math.max(want.abs().maxValue(), 1e-300);
        double err = got.maxAbsDiff(want) / scale;
        assertTrue(err <= 1e-12, () -> what + ": relative error " + err + "\nwant " + want + "\ngot  " + got);
    }
}
