package io.chainrule.rnn.diagnostics;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LinearCell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chapter's analysis: through a linear recurrence, ∂L/∂h_t carries (W_hhᵀ)^(T-t), so with only
 * the last output in the loss, log ‖∂L/∂h_t‖ changes by log ρ per step, ρ the spectral radius.
 */
class VanishingExplodingTest {

    static Tensor symmetricWithRadius(int n, double rho, long seed) {
        return SymmetricMatrices.withRadius(n, rho, seed);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1.0, 1.5})
    void logGradientNormChangesWithSlopeLogRhoPerStep(double rho) {
        int n = 8;
        int steps = 40;
        Tensor wHh = symmetricWithRadius(n, rho, 3);
        assertEquals(rho, Spectrum.of(wHh).spectralRadius(), 1e-12);
        LinearCell cell = new LinearCell(Tensor.randn(4, 0.3, n, 2), wHh);
        OutputLayer head = new OutputLayer(Tensor.randn(5, 0.3, 1, n), null);
        Tensor x = Tensor.randn(6, 1.0, steps, 1, 2);
        // only the last output is in the loss
        StepLoss lastOnly = (t, h) -> t == steps - 1
                ? Losses.mse(head.apply(h), Var.constant(Tensor.ones(1, 1)))
                : Var.constant(0.0);
        GradientDiagnostics d = GradientDiagnostics.run(cell, Var.constant(x), Unroll.zeroState(cell, 1), lastOnly,
                Bptt.full());
        double[] norms = d.hiddenGradNorms();
        // once the gradient has aligned with the top eigenvector (after ~10 steps back, since the
        // other eigenvalues are at most rho/2, their share shrinks by 2^-10), each step back
        // multiplies its norm by rho: fit the slope of log norm over t by least squares.
        int from = 0;
        int to = steps - 11;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int m = to - from + 1;
        for (int t = from; t <= to; t++) {
            double y = Math.log(norms[t]);
            sx += t;
            sy += y;
            sxx += (double) t * t;
            sxy += t * y;
        }
        double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
        // going forward in t means one step fewer of W_hh: slope = -log rho (tolerance 1e-3)
        assertEquals(-Math.log(rho), slope, 1e-3, () -> "rho " + rho + ": slope " + slope);
    }

    @Test
    void powersOfASymmetricMatrixAlignARandomVectorWithTheTopEigenvector() {
        int n = 10;
        Tensor m = symmetricWithRadius(n, 1.2, 9);
        // top eigenvector: the eigenvalue of largest magnitude is 1.2, the rest at most 0.6
        Tensor x = Tensor.randn(10, 1.0, n);
        double previous = -1;
        Tensor v = x;
        for (int k = 1; k <= 30; k++) {
            v = m.matmul(v);
            // cosine between M^k x and M v (an eigenvector is a fixed direction under M)
            Tensor mv = m.matmul(v);
            double cos = Math.abs(v.dot(mv)) / (v.norm() * mv.norm());
            if (k >= 5) {
                assertTrue(cos >= previous - 1e-15, "alignment must not decrease: k=" + k);
            }
            previous = cos;
        }
        assertTrue(previous > 1 - 1e-15, "after 30 powers M^k x is an eigenvector direction: cos " + previous);
        // and that direction has eigenvalue rho: |M v| / |v| = 1.2
        assertEquals(1.2, m.matmul(v).norm() / v.norm(), 1e-12);
    }

    @Test
    void diagnosticsReportTheFirstNonFiniteStep() {
        int n = 4;
        LinearCell cell = new LinearCell(Tensor.randn(1, 0.3, n, 1), symmetricWithRadius(n, 1e80, 2));
        Tensor x = Tensor.ones(12, 1, 1);
        GradientDiagnostics d = GradientDiagnostics.run(cell, Var.constant(x), Unroll.zeroState(cell, 1),
                (t, h) -> h.sum(), Bptt.full());
        // values grow like 1e80^t: the state overflows at step 4 (1e320 > max double)
        assertTrue(d.firstNonFiniteState() >= 3 && d.firstNonFiniteState() <= 4, "got " + d.firstNonFiniteState());
        assertTrue(d.firstNonFiniteGradient() >= 0);
    }
}
