package io.chainrule.rnn.reference;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.core.kernel.GemmKernel;
import io.chainrule.core.kernel.Kernels;

/**
 * A hand-written BPTT for the tanh RNN, coded directly on the {@code core} kernels with the
 * chapter's recursions and no graph: the baseline that shows what the engine's generality costs.
 *
 * <p>Model (PyTorch {@code nn.RNN} layout, batched rows):
 * {@code h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh)}, loss {@code L = (1/T) Σ_t Σ h_t}
 * (every element of every hidden state; the benchmark's objective). Backward:
 * <pre>
 * ∂L/∂h_t = 1/T + ∂L/∂z_{t+1} W_hh          (the recurrence, one [B,H]·[H,H] product a step)
 * ∂L/∂z_t = ∂L/∂h_t ⊙ (1 - h_t²)
 * ∂L/∂W_hh = Σ_t (∂L/∂z_t)ᵀ h_{t-1},  ∂L/∂W_ih = Σ_t (∂L/∂z_t)ᵀ x_t,  ∂L/∂b = Σ_t Σ_rows ∂L/∂z_t
 * </pre>
 * The input product of all steps is one [T·B, D]·[D, H] product, and the weight-gradient sums are
 * single products over all T·B rows, as a careful hand-written RNN does. Buffers are allocated
 * once per instance and reused.
 */
public final class TanhRnnBaseline {
    private final int steps;
    private final int batch;
    private final int in;
    private final int hidden;
    private final double[] hs;   // [(T+1)·B, H]: h_0 .. h_T
    private final double[] dz;   // [T·B, H]
    private final double[] dh;   // [B, H]
    private final double[] dhNext;

    public TanhRnnBaseline(int steps, int batch, int in, int hidden) {
        if (steps <= 0 || batch <= 0 || in <= 0 || hidden <= 0) {
            throw new IllegalArgumentException("sizes must be positive: T=" + steps + ", B=" + batch + ", D=" + in
                    + ", H=" + hidden);
        }
        this.steps = steps;
        this.batch = batch;
        this.in = in;
        this.hidden = hidden;
        this.hs = new double[(steps + 1) * batch * hidden];
        this.dz = new double[steps * batch * hidden];
        this.dh = new double[batch * hidden];
        this.dhNext = new double[batch * hidden];
    }

    /** Gradients and loss of one forward + backward. */
    public static final class Gradients {
        public final double loss;
        public final Tensor dWih;
        public final Tensor dWhh;
        public final Tensor dBih;
        public final Tensor dBhh;
        public final Tensor dH0;

        Gradients(double loss, Tensor dWih, Tensor dWhh, Tensor dBih, Tensor dBhh, Tensor dH0) {
            this.loss = loss;
            this.dWih = dWih;
            this.dWhh = dWhh;
            this.dBih = dBih;
            this.dBhh = dBhh;
            this.dH0 = dH0;
        }
    }

    /**
     * Forward and backward for inputs x [T, B, D], initial state h0 [B, H], weights W_ih [H, D],
     * W_hh [H, H], biases [H].
     */
    public Gradients run(Tensor x, Tensor h0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        check("x", x, steps, batch, in);
        check("h0", h0, batch, hidden);
        check("W_ih", wIh, hidden, in);
        check("W_hh", wHh, hidden, hidden);
        check("b_ih", bIh, hidden);
        check("b_hh", bHh, hidden);
        GemmKernel gemm = Kernels.gemm();
        int bh = batch * hidden;
        int rows = steps * batch;
        // forward: rows 1..T of hs start as x W_ihᵀ + b_ih + b_hh, then += h_{t-1} W_hhᵀ, then tanh
        System.arraycopy(h0.array(), h0.offset(), hs, 0, bh);
        gemm.gemm(false, true, rows, hidden, in, x.array(), x.offset(), in, wIh.array(), wIh.offset(), in,
                hs, bh, hidden, false);
        double[] bias = bIh.add(bHh).array();
        for (int r = 0; r < rows; r++) {
            int o = bh + r * hidden;
            for (int j = 0; j < hidden; j++) {
                hs[o + j] += bias[j];
            }
        }
        double[] whh = wHh.array();
        int wo = wHh.offset();
        double loss = 0;
        for (int t = 0; t < steps; t++) {
            int prev = t * bh;
            int cur = (t + 1) * bh;
            gemm.gemm(false, true, batch, hidden, hidden, hs, prev, hidden, whh, wo, hidden, hs, cur, hidden, true);
            Kernels.activations().tanh(hs, cur, hs, cur, bh);
            for (int i = 0; i < bh; i++) {
                loss += hs[cur + i];
            }
        }
        loss /= steps;
        // backward
        double inv = 1.0 / steps;
        java.util.Arrays.fill(dhNext, 0.0);
        for (int t = steps - 1; t >= 0; t--) {
            int cur = (t + 1) * bh;
            int dzo = t * bh;
            for (int i = 0; i < bh; i++) {
                double h = hs[cur + i];
                dz[dzo + i] = (inv + dhNext[i]) * (1.0 - h * h);
            }
            gemm.gemm(false, false, batch, hidden, hidden, dz, dzo, hidden, whh, wo, hidden, dhNext, 0, hidden, false);
        }
        double[] dWhh = new double[hidden * hidden];
        gemm.gemm(true, false, hidden, hidden, rows, dz, 0, hidden, hs, 0, hidden, dWhh, 0, hidden, false);
        double[] dWih = new double[hidden * in];
        gemm.gemm(true, false, hidden, in, rows, dz, 0, hidden, x.array(), x.offset(), in, dWih, 0, in, false);
        // the column sums of dz, with the same reduction the engine uses
        Tensor db = Tensor.wrap(dz, rows, hidden).sum(new int[] {0}, false);
        return new Gradients(loss, Tensor.wrap(dWih, hidden, in), Tensor.wrap(dWhh, hidden, hidden),
                db, db.copy(), Tensor.wrap(dhNext.clone(), batch, hidden));
    }

    private static void check(String name, Tensor t, int... shape) {
        if (t == null || !t.hasShape(shape)) {
            throw new IllegalArgumentException(name + " must have shape " + Shape.format(shape) + ", got "
                    + (t == null ? "null" : Shape.format(t.shape())));
        }
    }
}
