package io.chainrule.examples.train;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.Collection;

/**
 * Gradient clipping by global norm (Pascanu et al. 2013), as PyTorch's {@code clip_grad_norm_}:
 * with n = sqrt(Σ_p ||g_p||²), every gradient is scaled by max / (n + 1e-6) when n exceeds max.
 * A stopgap inside the program until the library's {@code io.chainrule.autodiff.optim.Clip} lands.
 */
public final class GlobalNormClip {
    private GlobalNormClip() {
    }

    /** Clips in place (when {@code max > 0}) and returns the norm before clipping. */
    public static double clip(Collection<Var> parameters, double max) {
        double sumSq = 0;
        for (Var p : parameters) {
            if (p.grad() != null) {
                sumSq += p.grad().sumOfSquares();
            }
        }
        double norm = Math.sqrt(sumSq);
        if (max > 0 && norm > max) {
            double scale = max / (norm + 1e-6);
            for (Var p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    g.scaleInPlace(scale);
                }
            }
        }
        return norm;
    }
}
