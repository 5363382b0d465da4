package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay, with
 * the semantics of {@code torch.optim.SGD} (dampening 0, not maximizing).
 *
 * <p>For each parameter {@code p} with gradient {@code g} (parameters without a gradient are
 * skipped, see {@link Optimizer}), at its {@code t}-th update, elementwise:
 * <pre>
 *   d = g + λ·p                                   (λ = weightDecay; the term is omitted when λ = 0)
 *   if μ ≠ 0:                                     (μ = momentum)
 *       b = μ·b + d                               (the momentum buffer b starts at 0)
 *       d = d + μ·b           with Nesterov
 *       d = b                 without
 *   p = p − η·d                                   (η = lr)
 * </pre>
 * So the buffer after the first update is d and the first heavy-ball step is a plain gradient step,
 * as in PyTorch (which copies d into the buffer at the first update; the results are identical but
 * for the sign of a zero). State: one buffer,
 * {@code momentum_buffer}, when μ ≠ 0 (see {@link Optimizer} for the state keys).
 *
 * <pre>{@code
 * Sgd plain = new Sgd(params, 0.1);
 * Sgd heavyBall = Sgd.builder(0.1).momentum(0.9).nesterov(true).weightDecay(1e-4).build(params);
 * }</pre>
 */
public final class Sgd extends ElementwiseOptimizer {
    private final double lr;
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;

    /** Plain SGD, {@code p = p − lr·g}. */
    public Sgd(List<Var> params, double lr) {
        this(builder(lr), params);
    }

    private Sgd(Builder b, List<Var> params) {
        super("Sgd", params, b.momentum != 0 ? List.of("momentum_buffer") : List.of(), b.rejectNonFinite);
        this.lr = b.lr;
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
        this.weightDecay = b.weightDecay;
    }

    /**
     * A builder with learning rate {@code lr} (finite, {@code > 0}), momentum 0, no Nesterov, no
     * weight decay, accepting non-finite gradients.
     */
    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    @Override
    void update(Tensor param, Tensor grad, Tensor[] buffers, long t) {
        double[] p = param.array();
        double[] g = grad.array();
        int po = param.offset();
        int go = grad.offset();
        int n = param.size();
        if (momentum == 0) {
            for (int k = 0; k < n; k++) {
                double d = weightDecay != 0 ? g[go + k] + weightDecay * p[po + k] : g[go + k];
                p[po + k] = p[po + k] - lr * d;
            }
            return;
        }
        double[] b = buffers[0].array();
        int bo = buffers[0].offset();
        for (int k = 0; k < n; k++) {
            double d = weightDecay != 0 ? g[go + k] + weightDecay * p[po + k] : g[go + k];
            double buf = momentum * b[bo + k] + d;
            b[bo + k] = buf;
            d = nesterov ? d + momentum * buf : buf;
            p[po + k] = p[po + k] - lr * d;
        }
    }

    @Override
    String settings() {
        return "lr=" + lr + ", momentum=" + momentum + ", nesterov=" + nesterov + ", weightDecay=" + weightDecay;
    }

    /** Collects SGD's hyperparameters; each setter checks its argument. */
    public static final class Builder {
        private final double lr;
        private double momentum;
        private boolean nesterov;
        private double weightDecay;
        private boolean rejectNonFinite;

        private Builder(double lr) {
            this.lr = Hyperparameters.positive("Sgd", "lr", lr);
        }

        /** Momentum μ in [0, 1); 0 (the default) turns momentum off. */
        public Builder momentum(double momentum) {
            this.momentum = Hyperparameters.unitInterval("Sgd", "momentum", momentum);
            return this;
        }

        /** Nesterov momentum (needs a momentum &gt; 0, checked by {@link #build}). */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** L2 penalty λ ≥ 0 added to the gradient as λ·p (0, the default, turns it off). */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = Hyperparameters.nonNegative("Sgd", "weightDecay", weightDecay);
            return this;
        }

        /**
         * With {@code true}, {@link Optimizer#step()} throws {@link ArithmeticException} when a
         * gradient holds NaN or an infinity, and changes nothing; with {@code false} (the default,
         * as in PyTorch) such values flow into the parameters.
         */
        public Builder rejectNonFinite(boolean reject) {
            this.rejectNonFinite = reject;
            return this;
        }

        /** The optimizer over {@code params} (distinct parameters made with {@link Var#param}). */
        public Sgd build(List<Var> params) {
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("Sgd: nesterov needs momentum > 0, got momentum " + momentum);
            }
            return new Sgd(this, params);
        }
    }
}
