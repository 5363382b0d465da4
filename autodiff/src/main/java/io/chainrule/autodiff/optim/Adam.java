package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.List;

/**
 * Adam (Kingma and Ba, 2015) with bias correction and optional L2 weight decay, with the
 * semantics of {@code torch.optim.Adam} (not AMSGrad, not maximizing; weight decay is added to
 * the gradient, as in PyTorch's Adam, not decoupled as in AdamW).
 *
 * <p>For each parameter {@code p} with gradient {@code g} (parameters without a gradient are
 * skipped, see {@link Optimizer}), at its {@code t}-th update ({@code t} counts this parameter's
 * updates, so a skipped step does not advance its bias correction), elementwise:
 * <pre>
 *   g = g + λ·p                                   (λ = weightDecay; omitted when λ = 0)
 *   m = β₁·m + (1 − β₁)·g                         (exp_avg, starts at 0)
 *   v = β₂·v + (1 − β₂)·g²                        (exp_avg_sq, starts at 0)
 *   p = p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Note where ε goes: it is added to the bias-corrected √v̂ = √v / √(1 − β₂ᵗ), as in PyTorch (not to
 * √v before correction). β₁ᵗ and β₂ᵗ are computed with {@link StrictMath#pow}, so updates are
 * reproducible on any JVM. State: {@code exp_avg} (m) and {@code exp_avg_sq} (v) per parameter
 * (see {@link Optimizer} for the keys).
 *
 * <pre>{@code
 * Adam adam = new Adam(params, 1e-3);   // betas (0.9, 0.999), eps 1e-8
 * Adam tuned = Adam.builder(3e-4).betas(0.9, 0.98).eps(1e-9).weightDecay(1e-5).build(params);
 * }</pre>
 */
public final class Adam extends ElementwiseOptimizer {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;

    /** Adam with learning rate {@code lr} and PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Var> params, double lr) {
        this(builder(lr), params);
    }

    private Adam(Builder b, List<Var> params) {
        super("Adam", params, List.of("exp_avg", "exp_avg_sq"), b.rejectNonFinite);
        this.lr = b.lr;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
    }

    /**
     * A builder with learning rate {@code lr} (finite, {@code > 0}) and PyTorch's defaults: betas
     * (0.9, 0.999), eps 1e-8, no weight decay, accepting non-finite gradients.
     */
    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    @Override
    void update(Tensor param, Tensor grad, Tensor[] buffers, long t) {
        double stepSize = lr / (1 - StrictMath.pow(beta1, t));
        double bias2Sqrt = Math.sqrt(1 - StrictMath.pow(beta2, t));
        double[] p = param.array();
        double[] g = grad.array();
        double[] m = buffers[0].array();
        double[] v = buffers[1].array();
        int po = param.offset();
        int go = grad.offset();
        int mo = buffers[0].offset();
        int vo = buffers[1].offset();
        int n = param.size();
        for (int k = 0; k < n; k++) {
            double gk = weightDecay != 0 ? g[go + k] + weightDecay * p[po + k] : g[go + k];
            double mk = beta1 * m[mo + k] + (1 - beta1) * gk;
            double vk = beta2 * v[vo + k] + (1 - beta2) * (gk * gk);
            m[mo + k] = mk;
            v[vo + k] = vk;
            p[po + k] = p[po + k] - stepSize * (mk / (Math.sqrt(vk) / bias2Sqrt + eps));
        }
    }

    @Override
    String settings() {
        return "lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weightDecay=" + weightDecay;
    }

    /** Collects Adam's hyperparameters; each setter checks its arguments. */
    public static final class Builder {
        private final double lr;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay;
        private boolean rejectNonFinite;

        private Builder(double lr) {
            this.lr = Hyperparameters.positive("Adam", "lr", lr);
        }

        /** Decay rates β₁ (of the mean) and β₂ (of the uncentred variance), each in [0, 1). */
        public Builder betas(double beta1, double beta2) {
            double b1 = Hyperparameters.unitInterval("Adam", "beta1", beta1);
            this.beta2 = Hyperparameters.unitInterval("Adam", "beta2", beta2);
            this.beta1 = b1;
            return this;
        }

        /** ε, finite and &gt; 0, added to the denominator for numerical stability. */
        public Builder eps(double eps) {
            this.eps = Hyperparameters.positive("Adam", "eps", eps);
            return this;
        }

        /** L2 penalty λ ≥ 0 added to the gradient as λ·p (0, the default, turns it off). */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = Hyperparameters.nonNegative("Adam", "weightDecay", weightDecay);
            return this;
        }

        /**
         * With {@code true}, {@link Optimizer#step()} throws {@link ArithmeticException} when a
         * gradient holds NaN or an infinity, and changes nothing; with {@code false} (the default,
         * as in PyTorch) such values flow into the parameters and the moments.
         */
        public Builder rejectNonFinite(boolean reject) {
            this.rejectNonFinite = reject;
            return this;
        }

        /** The optimizer over {@code params} (distinct parameters made with {@link Var#param}). */
        public Adam build(List<Var> params) {
            return new Adam(this, params);
        }
    }
}
