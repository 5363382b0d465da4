package io.chainrule.examples.diagnose;

/**
 * ‖∂L/∂h_t‖ for t = 0..T−1 when only the last step's output is in the loss: how much of the loss's
 * gradient reaches each step back in time.
 *
 * @param firstNonFiniteState the first step whose state overflowed in forward, or -1
 */
public record GradientCurve(String name, double[] norms, int firstNonFiniteState) {

    /**
     * The mean factor by which the norm grows per step back, over the far half of the sequence
     * (steps 0..m with m = ⌊(T−1)/2⌋): {@code (‖∂L/∂h_0‖ / ‖∂L/∂h_m‖)^(1/m)}. Far from the loss the
     * gradient has aligned with the top eigenvector of W_hhᵀ, so for a linear RNN this is the
     * spectral radius ρ. NaN when T &lt; 3 or a norm is zero or not finite.
     */
    public double perStepFactor() {
        int m = (norms.length - 1) / 2;
        if (m < 1 || !(norms[0] > 0) || !(norms[m] > 0) || !Double.isFinite(norms[0]) || !Double.isFinite(norms[m])) {
            return Double.NaN;
        }
        return Math.pow(norms[0] / norms[m], 1.0 / m);
    }

    /** ‖∂L/∂h_t‖ at the last step, where the loss is. */
    public double atLoss() {
        return norms[norms.length - 1];
    }

    /** ‖∂L/∂h_0‖, the farthest step. */
    public double atStart() {
        return norms[0];
    }
}
