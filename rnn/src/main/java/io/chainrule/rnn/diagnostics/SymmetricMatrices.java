package io.chainrule.rnn.diagnostics;

import io.chainrule.core.Tensor;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.random.Well19937c;

/** Symmetric matrices with a chosen spectral radius, the chapter's exercise on powers of W_hh. */
public final class SymmetricMatrices {
    private SymmetricMatrices() {
    }

    /**
     * A random symmetric n×n matrix Q Λ Qᵀ (Q a random orthogonal matrix) with eigenvalues ρ and,
     * for the others, values uniform in [-ρ/2, ρ/2]: its spectral radius is ρ, and powers of it
     * align any vector with the top eigenvector within a few steps.
     */
    public static Tensor withRadius(int n, double rho, long seed) {
        if (n <= 0 || !(rho >= 0) || Double.isInfinite(rho)) {
            throw new IllegalArgumentException("need n > 0 and a finite rho >= 0, got n = " + n + ", rho = " + rho);
        }
        Well19937c rng = new Well19937c(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = rng.nextGaussian();
            }
        }
        RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(a)).getQ();
        double[] lambda = new double[n];
        lambda[0] = rho;
        for (int i = 1; i < n; i++) {
            lambda[i] = (rng.nextDouble() - 0.5) * rho;
        }
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q.getEntry(i, k) * lambda[k] * q.getEntry(j, k);
                }
                w[i * n + j] = s;
            }
        }
        return Tensor.wrap(w, n, n);
    }
}
