package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping, applied between backward and {@link Optimizer#step()}. Both methods modify
 * the gradient tensors ({@link Var#grad()}) in place and skip values whose gradient is null.
 */
public final class Clip {
    private Clip() {
    }

    /** Added to the norm in the scale factor, as in PyTorch. */
    static final double NORM_EPS = 1e-6;

    /**
     * Rescales the gradients so that their global L2 norm does not exceed {@code maxNorm}, and
     * returns the norm they had before.
     *
     * <p>With {@code ‖g‖ = sqrt(Σ over all gradients and elements of g²)}: if {@code ‖g‖ > maxNorm},
     * every gradient element is multiplied by {@code c = maxNorm / (‖g‖ + 1e-6)}, so the clipped
     * norm is {@code maxNorm · ‖g‖ / (‖g‖ + 1e-6)}: maxNorm up to a relative 1e-6/‖g‖ (the 1e-6
     * keeps the division safe and matches {@code torch.nn.utils.clip_grad_norm_}; it makes norms
     * near 1e-6 clip to less than maxNorm). Otherwise the gradients are left untouched (PyTorch
     * multiplies them by 1 in that case, and also by {@code c} for {@code ‖g‖} in
     * {@code (maxNorm − 1e-6, maxNorm]}; here they are never touched unless {@code ‖g‖ > maxNorm}).
     *
     * <p>The norm is computed without overflow or underflow for any finite gradients (each tensor's
     * norm by {@link Tensor#norm()}, which scales by its largest element, combined with
     * {@link Math#hypot}), with a relative error of a few ulps times the number of elements.
     *
     * <p><b>Non-finite gradients.</b> If any gradient element is NaN or infinite, the result is
     * not finite ({@code NaN} or {@code +Infinity}) and the gradients are <em>left untouched</em>. Scaling by {@code maxNorm / ∞ = 0} (what PyTorch does by default)
     * would turn infinities into NaN and silently zero every finite gradient, so the step that
     * follows would be a no-op or would poison the parameters, with nothing saying why. Returning
     * the non-finite norm lets the caller decide, typically by skipping the step
     * ({@code if (!Double.isFinite(norm)) { opt.zeroGrad(); continue; }}), or by letting an
     * optimizer built with {@code rejectNonFinite(true)} throw.
     *
     * @param params the values whose gradients are clipped together (distinct; may be empty, then
     *     the norm is 0)
     * @param maxNorm the largest allowed norm, {@code >= 0}; {@code +Infinity} only measures
     * @return the global L2 norm of the gradients before clipping
     */
    public static double clipGradNorm(List<Var> params, double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0 (or +Infinity to only measure), got "
                    + maxNorm);
        }
        List<Tensor> grads = gradients("clipGradNorm", params);
        double norm = 0;
        for (Tensor g : grads) {
            norm = Math.hypot(norm, g.norm());
        }
        if (Double.isFinite(norm) && norm > maxNorm) {
            double c = maxNorm / (norm + NORM_EPS);
            for (Tensor g : grads) {
                g.scaleInPlace(c);
            }
        }
        return norm;
    }

    /**
     * Clamps every gradient element to {@code [-clipValue, clipValue]} in place
     * ({@code g = min(max(g, -clipValue), clipValue)}, as {@code torch.nn.utils.clip_grad_value_}).
     * NaN elements stay NaN; infinities become ±clipValue.
     *
     * @param params the values whose gradients are clamped (distinct)
     * @param clipValue the bound, {@code >= 0}; {@code +Infinity} leaves finite values as they are
     */
    public static void clipGradValue(List<Var> params, double clipValue) {
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
        }
        Tensor hi = Tensor.scalar(clipValue);
        Tensor lo = Tensor.scalar(-clipValue);
        for (Tensor g : gradients("clipGradValue", params)) {
            g.assignInPlace(g.maximum(lo).minimum(hi));
        }
    }

    private static List<Tensor> gradients(String who, List<Var> params) {
        List<Tensor> grads = new ArrayList<>();
        for (Var v : Parameters.distinct(who, params)) {
            if (v.grad() != null) {
                grads.add(v.grad());
            }
        }
        return grads;
    }
}
