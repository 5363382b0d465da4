package io.chainrule.examples.diagnose;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.diagnostics.GradientDiagnostics;
import io.chainrule.rnn.diagnostics.Spectrum;
import io.chainrule.rnn.diagnostics.SymmetricMatrices;


/**
 * The chapter's analysis made visible: a linear RNN h_t = W_hx x_t + W_hh h_{t−1} with a symmetric
 * W_hh of spectral radius ρ and the loss on the last output only. Then ∂L/∂h_t = (W_hhᵀ)^(T−1−t)
 * ∂L/∂h_{T−1}, whose norm shrinks (ρ &lt; 1) or grows (ρ &gt; 1) by about ρ per step back.
 */
public final class RadiusSweep {
    private RadiusSweep() {
    }

    /** One ρ's gradient curve and the spectral radius of the W_hh it used, computed from the matrix. */
    public record Result(GradientCurve curve, double spectralRadius) {
    }

    /** The gradient norms for one ρ; the same seed gives the same W_hh up to the scale ρ, W_hx, W_qh and data. */
    public static Result linearRnn(double rho, int hidden, int steps, long seed) {
        int in = 2;
        Tensor wHh = SymmetricMatrices.withRadius(hidden, rho, seed);
        LinearCell cell = new LinearCell(Tensor.randn(seed + 1, 0.3, hidden, in), wHh);
        OutputLayer head = new OutputLayer(Tensor.randn(seed + 2, 0.3, 1, hidden), null);
        Tensor x = Tensor.randn(seed + 3, 1.0, steps, 1, in);
        StepLoss lastOnly = (t, h) -> t == steps - 1 ? Losses.mse(head.apply(h), Var.constant(Tensor.ones(1, 1)))
                : Var.constant(0.0);
        GradientDiagnostics d = GradientDiagnostics.run(cell, Var.constant(x), Unroll.zeroState(cell, 1), lastOnly,
                Bptt.full());
        return new Result(new GradientCurve("rho=" + rho, d.hiddenGradNorms(), d.firstNonFiniteState()),
                Spectrum.of(wHh).spectralRadius());
    }
}
