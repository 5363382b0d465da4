package io.chainrule.rnn.diagnostics;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Eigenvalues and spectral radius of a square (recurrent) weight matrix, by commons-math3's
 * {@link EigenDecomposition} (real Schur form for non-symmetric matrices, so eigenvalues may be
 * complex). The spectral radius ρ = max |λ_i| governs BPTT: gradients through k steps of a linear
 * recurrence scale like ρ^k (vanishing below 1, exploding above).
 */
public final class Spectrum {
    private final double[] real;
    private final double[] imaginary;

    private Spectrum(double[] real, double[] imaginary) {
        this.real = real;
        this.imaginary = imaginary;
    }

    /** The spectrum of a square matrix [n, n]. */
    public static Spectrum of(Tensor square) {
        if (square.rank() != 2 || square.dim(0) != square.dim(1)) {
            throw new IllegalArgumentException("the spectrum needs a square matrix, got shape " + Shape.format(square.shape()));
        }
        if (!square.allFinite()) {
            throw new IllegalArgumentException("the matrix has a non-finite entry at flat index " + square.firstNonFinite());
        }
        int n = square.dim(0);
        double[][] rows = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rows[i][j] = square.get(i, j);
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(rows, false));
        return new Spectrum(eig.getRealEigenvalues(), eig.getImagEigenvalues());
    }

    /**
     * The spectra of the H×H gate blocks of a stacked recurrent weight [G·H, H] (G = 1 for the tanh
     * RNN, 3 for the GRU, 4 for the LSTM), in gate order.
     */
    public static Spectrum[] ofGateBlocks(Tensor stacked) {
        if (stacked.rank() != 2 || stacked.dim(0) % stacked.dim(1) != 0) {
            throw new IllegalArgumentException("a stacked recurrent weight must be [G*H, H], got shape "
                    + Shape.format(stacked.shape()));
        }
        int h = stacked.dim(1);
        int g = stacked.dim(0) / h;
        Spectrum[] out = new Spectrum[g];
        for (int i = 0; i < g; i++) {
            out[i] = of(stacked.slice(0, i * h, (i + 1) * h));
        }
        return out;
    }

    /** Real parts of the eigenvalues. */
    public double[] real() {
        return real.clone();
    }

    /** Imaginary parts of the eigenvalues. */
    public double[] imaginary() {
        return imaginary.clone();
    }

    /** max |λ|. */
    public double spectralRadius() {
        double r = 0;
        for (int i = 0; i < real.length; i++) {
            r = Math.max(r, Math.hypot(real[i], imaginary[i]));
        }
        return r;
    }
}
