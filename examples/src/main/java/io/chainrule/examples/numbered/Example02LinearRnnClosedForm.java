package io.chainrule.examples.numbered;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.SequenceLoss;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.reference.LinearRnnClosedForm;

import java.io.PrintStream;

/**
 * The chapter's linear RNN, h_t = W_hx x_t + W_hh h_{t−1}, o_t = W_qh h_t, L = (1/T) Σ_t l(o_t, y_t),
 * differentiated twice: by the autodiff engine through the unrolled, weight-tied graph, and by
 * the chapter's closed-form recursions (∂L/∂h_t = W_hhᵀ ∂L/∂h_{t+1} + W_qhᵀ ∂L/∂o_t, then
 * ∂L/∂W_hh = Σ_t ∂L/∂h_t h_{t−1}ᵀ, ...) written with plain tensors. They agree to rounding.
 */
public final class Example02LinearRnnClosedForm {
    private Example02LinearRnnClosedForm() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        int steps = 20;
        int batch = 3;
        int in = 4;
        int hidden = 5;
        int q = 2;
        Tensor wHx = Tensor.randn(1L, 0.5, hidden, in);
        Tensor wHh = Tensor.randn(2L, 0.3, hidden, hidden);
        Tensor wQh = Tensor.randn(3L, 0.5, q, hidden);
        Tensor x = Tensor.randn(4L, 1.0, steps, batch, in);
        Tensor y = Tensor.randn(5L, 1.0, steps, batch, q);
        Tensor h0 = Tensor.zeros(batch, hidden);

        // autodiff: unroll the cell and differentiate the sequence loss
        LinearCell cell = new LinearCell(wHx.copy(), wHh.copy());
        OutputLayer head = new OutputLayer(wQh.copy(), null);
        SequenceLoss sl = Unroll.loss(cell, Var.constant(x), State.of(Var.constant(h0)),
                (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), Bptt.full());
        sl.loss().backward();

        // the closed form: l(o, y) = mean((o − y)²), so ∂l/∂o = 2 (o − y) / (B·Q)
        LinearRnnClosedForm.Result ref = LinearRnnClosedForm.compute(x, h0, wHx, wHh, wQh,
                (o, t) -> o.sub(y.row(t)).square().mean().item(),
                (o, t) -> o.sub(y.row(t)).mul(2.0 / (batch * q)));

        out.printf("L: autodiff %.17g, closed form %.17g%n", sl.loss().value().item(), ref.loss);
        double worst = 0;
        worst = Math.max(worst, report(out, "dL/dW_hx", cell.wHx().grad(), ref.dWhx));
        worst = Math.max(worst, report(out, "dL/dW_hh", cell.wHh().grad(), ref.dWhh));
        worst = Math.max(worst, report(out, "dL/dW_qh", head.weight().grad(), ref.dWqh));
        if (worst > 1e-12) {
            throw new AssertionError("autodiff and the closed form disagree by " + worst);
        }
    }

    private static double report(PrintStream out, String what, Tensor autodiff, Tensor closedForm) {
        double rel = autodiff.maxAbsDiff(closedForm) / closedForm.abs().maxValue();
        out.printf("%s: largest difference %.1e of the largest entry %.3f%n", what, rel, closedForm.abs().maxValue());
        return rel;
    }
}
