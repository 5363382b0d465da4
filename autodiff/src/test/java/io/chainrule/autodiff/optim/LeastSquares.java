package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.List;

/**
 * A small convex problem built with Ops: minimize mse(A·w + c, y) over w (shape [3]) and c
 * (rank 0), where y = A·w* + c* exactly, so the unique minimum is (w*, c*) with loss 0.
 */
final class LeastSquares {
    static final double[] W_STAR = {1.0, -2.0, 0.5};
    static final double C_STAR = 0.75;

    final Var a = Var.constant(Tensor.randn(42L, 1.0, 8, 3), "A");
    final Var y;
    final Var w;
    final Var c;

    LeastSquares() {
        this(Tensor.zeros(3), Tensor.scalar(0.0));
    }

    LeastSquares(Tensor w0, Tensor c0) {
        y = Var.constant(a.value().matmul(Tensor.vector(W_STAR).reshape(3, 1)).reshape(8).add(Tensor.scalar(C_STAR)));
        w = Var.param(w0, "w");
        c = Var.param(c0, "c");
    }

    List<Var> params() {
        return List.of(w, c);
    }

    Var loss() {
        return Losses.mse(Ops.add(Ops.prod(a, w), c), y);
    }

    /** Largest distance of a parameter element from the minimum. */
    double distanceToOptimum() {
        double d = Math.abs(c.value().item() - C_STAR);
        for (int i = 0; i < 3; i++) {
            d = Math.max(d, Math.abs(w.value().getFlat(i) - W_STAR[i]));
        }
        return d;
    }

    /** Runs {@code steps} full-batch steps (zeroGrad, backward, step); returns the last loss. */
    double train(Optimizer opt, int steps) {
        double last = Double.NaN;
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            Var loss = loss();
            last = loss.value().item();
            loss.backward();
            opt.step();
        }
        return last;
    }
}
