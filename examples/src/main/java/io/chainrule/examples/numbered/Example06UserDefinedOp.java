package io.chainrule.examples.numbered;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.io.PrintStream;

/**
 * A differentiable operation of your own: softplus, {@code y = log(1 + eˣ)}, whose derivative is
 * the logistic sigmoid. The op class below is the whole of it (forward, what backward needs saved,
 * backward), written against the same contract as the built-in ops ({@link Op}). Then, with no
 * extra calls: its gradient passes {@link GradCheck}; inside a {@link Checkpoint} it is recomputed
 * and gives bitwise the same gradient; under {@link Anomaly} mode a NaN it produces is reported
 * with its name; and changing a value it saved before backward is an error naming it.
 */
public final class Example06UserDefinedOp {
    private Example06UserDefinedOp() {
    }

    /** softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^-|x|) so that large x do not overflow. */
    static final class Softplus extends Op {
        private Softplus(Var x) {
            super("softplus", x);
            save(x);                                              // backward needs x
        }

        static Var apply(Var x) {
            Tensor y = x.value().map(v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
            return new Softplus(x).output(y);
        }

        @Override
        protected void backward(Gradients g) {
            g.set(0, g.output().mul(saved(0).sigmoid()));        // dy/dx = sigmoid(x)
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        Tensor w0 = Tensor.randn(1L, 1.0, 3, 4);
        Tensor x0 = Tensor.randn(2L, 1.0, 5, 3);

        GradCheck.Report report = GradCheck.check(w -> Softplus.apply(Var.constant(x0).prod(w[0])).sum(), w0);
        out.printf("softplus: GradCheck largest relative error %.1e over %d values%n", report.maxRelativeError(), w0.size());
        report.assertClose(1e-6);

        Tensor plain = gradient(w0, x0, false);
        Tensor recomputed = gradient(w0, x0, true);
        out.printf("inside a checkpoint: gradient bitwise equal to the stored one: %b%n", plain.bitwiseEquals(recomputed));
        if (!plain.bitwiseEquals(recomputed)) {
            throw new AssertionError("the checkpointed gradient differs");
        }

        try (Anomaly.Scope scope = Anomaly.enable()) {
            Softplus.apply(Var.param(Tensor.vector(1.0, Double.NaN), "x"));
            throw new AssertionError("anomaly mode let a NaN through");
        } catch (Anomaly.AnomalyException e) {
            out.println("anomaly mode: " + e.getMessage().substring(0, e.getMessage().indexOf(';')));
        }

        Var x = Var.param(Tensor.vector(0.5, -2.0), "x");
        Var loss = Softplus.apply(x).sum();
        x.value().scaleInPlace(3.0);
        try {
            loss.backward();
            throw new AssertionError("a saved value changed silently");
        } catch (IllegalStateException e) {
            out.println("changed before backward: " + e.getMessage().substring(0, e.getMessage().indexOf(". Hint")));
        }
    }

    /** d/dW Σ softplus(softplus(x W)) ⊙ 2, the inner part checkpointed or not. */
    private static Tensor gradient(Tensor w0, Tensor x0, boolean checkpointed) {
        Var w = Var.param(w0.copy(), "W");
        Var z = Var.constant(x0).prod(w);
        Var inner = checkpointed ? Checkpoint.single(v -> Softplus.apply(Softplus.apply(v)), z)
                : Softplus.apply(Softplus.apply(z));
        inner.mul(2.0).sum().backward();
        return w.grad();
    }
}
