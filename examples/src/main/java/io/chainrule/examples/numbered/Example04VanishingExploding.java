package io.chainrule.examples.numbered;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.diagnostics.SymmetricMatrices;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.diagnostics.GradientDiagnostics;

import java.io.PrintStream;

/**
 * Vanishing and exploding gradients, as the chapter derives them: in a linear RNN,
 * ∂L/∂h_t = (W_hhᵀ)^(T−t) ∂L/∂h_T when only the last output is in the loss, so the gradient that
 * reaches step t shrinks or grows by the spectral radius ρ of W_hh at every step back. Here W_hh
 * is symmetric with ρ = 0.5, 1 and 1.5, and {@link GradientDiagnostics} records ‖∂L/∂h_t‖.
 */
public final class Example04VanishingExploding {
    private Example04VanishingExploding() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        int steps = 41;
        int hidden = 8;
        out.println("||dL/dh_t|| with the loss on the last output (t = 40):");
        out.println("   rho     t=40      t=30      t=20      t=10       t=0   per 10 steps back (rho^10)");
        for (double rho : new double[] {0.5, 1.0, 1.5}) {
            LinearCell cell = new LinearCell(Tensor.randn(1L, 0.3, hidden, 2), SymmetricMatrices.withRadius(hidden, rho, 2L));
            OutputLayer head = new OutputLayer(Tensor.randn(3L, 0.3, 1, hidden), null);
            StepLoss lastOnly = (t, h) -> t == steps - 1 ? Losses.mse(head.apply(h), Var.constant(Tensor.ones(1, 1)))
                    : Var.constant(0.0);
            double[] norms = GradientDiagnostics.run(cell, Var.constant(Tensor.randn(4L, 1.0, steps, 1, 2)),
                    Unroll.zeroState(cell, 1), lastOnly, Bptt.full()).hiddenGradNorms();
            double per10 = norms[0] / norms[10];   // far from the loss, aligned with the top eigenvector
            out.printf("%6.1f %9.2e %9.2e %9.2e %9.2e %9.2e   %.4g (%.4g)%n", rho, norms[40], norms[30], norms[20],
                    norms[10], norms[0], per10, Math.pow(rho, 10));
            if (Math.abs(per10 / Math.pow(rho, 10) - 1) > 0.01) {
                throw new AssertionError("the gradient changed by " + per10 + " over 10 steps, not rho^10 = " + Math.pow(rho, 10));
            }
        }
        out.println("below 1 the early steps get (almost) no gradient; above 1 they get far too much: clip, truncate, or gate");
    }
}
