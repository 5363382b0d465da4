package io.chainrule.autodiff;

/**
 * The derivative of a smooth one-dimensional function at 0 by Richardson extrapolation of central
 * differences over halving steps, with the step chosen adaptively (Ridders' method, as in
 * Numerical Recipes' {@code dfridr}). {@link GradCheck}'s {@link GradCheck.Scheme#RICHARDSON}.
 *
 * <p>A central difference with step h is {@code D(h) = φ'(0) + c₂h² + c₄h⁴ + …}. With
 * {@code hᵢ = h₀ / 2ⁱ} and {@code T[i][0] = D(hᵢ)}, the tableau
 * <pre>
 *   T[i][j] = (4ʲ · T[i][j−1] − T[i−1][j−1]) / (4ʲ − 1)
 * </pre>
 * removes the terms up to {@code h^{2j}}, so {@code T[i][j]} has truncation error
 * {@code O(hᵢ^{2j+2})}. Each new entry's error is estimated by its distance to the two entries it
 * was made from; the result is the entry with the smallest estimate, and the walk stops
 * ({@link #LEVELS} levels at most) once the diagonal's estimate exceeds twice the best one
 * (round-off has taken over). On a smooth function that reaches about {@code ε^{4/5}} relative
 * to the function's values where one central difference reaches {@code ε^{2/3}}.
 *
 * <p>Each central difference comes with its round-off allowance {@code ν(hᵢ)} (see
 * {@link GradCheck}); the allowance of an extrapolated entry is propagated through the same
 * weights, {@code ν[i][j] = (4ʲ ν[i][j−1] + ν[i−1][j−1]) / (4ʲ − 1)}, a bound on how much the
 * outputs' rounding moves that entry.
 */
final class RichardsonExtrapolation {
    private RichardsonExtrapolation() {
    }

    /** Most central differences taken (the tableau's rows): the smallest step is {@code h₀ / 2⁷}. */
    static final int LEVELS = 8;

    /** A central difference: its quotient and round-off allowance at a step of about h. */
    interface Central {
        /** Writes {@code D(h)} into {@code out[0]} and its round-off allowance into {@code out[1]}. */
        void at(double h, double[] out);
    }

    /** {@code {φ'(0), ν}}: the extrapolated derivative from first step {@code h0} and its round-off allowance. */
    static double[] derivative(Central d, double h0) {
        double[][] t = new double[LEVELS][];
        double[][] nu = new double[LEVELS][];
        double[] out = new double[2];
        double best = Double.NaN;
        double bestNu = 0;
        double bestError = Double.POSITIVE_INFINITY;
        double h = h0;
        for (int i = 0; i < LEVELS; i++, h /= 2) {
            d.at(h, out);
            t[i] = new double[i + 1];
            nu[i] = new double[i + 1];
            t[i][0] = out[0];
            nu[i][0] = out[1];
            if (i == 0) {
                best = out[0];
                bestNu = out[1];
                continue;
            }
            double factor = 4;
            for (int j = 1; j <= i; j++, factor *= 4) {
                t[i][j] = (factor * t[i][j - 1] - t[i - 1][j - 1]) / (factor - 1);
                nu[i][j] = (factor * nu[i][j - 1] + nu[i - 1][j - 1]) / (factor - 1);
                double error = Math.max(Math.abs(t[i][j] - t[i][j - 1]), Math.abs(t[i][j] - t[i - 1][j - 1]));
                if (error <= bestError) { // false for NaN: a step that left the function's domain is skipped
                    bestError = error;
                    best = t[i][j];
                    bestNu = nu[i][j];
                }
            }
        }
        return new double[] {best, bestNu};
    }
}
