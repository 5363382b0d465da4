package io.chainrule.autodiff;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

/** Loss functions, composed from primitive ops (no backward code of their own). */
public final class Losses {
    private Losses() {
    }

    /**
     * Mean squared error: mean((prediction - target)²). Shapes must be equal (no broadcasting); a
     * constant target (data) is taken in the prediction's dtype.
     */
    public static Var mse(Var prediction, Var target) {
        if (!prediction.value().sameShape(target.value())) {
            throw new IllegalArgumentException("mse: prediction shape " + Shape.format(prediction.shape())
                    + " and target shape " + Shape.format(target.shape()) + " differ");
        }
        if (!target.requiresGrad() && target.value().dtype() != prediction.value().dtype()) {
            target = Var.constant(target.value().cast(prediction.value().dtype()));
        }
        return Ops.mean(Ops.square(Ops.sub(prediction, target)));
    }

    /**
     * Cross-entropy from logits: the mean over rows of {@code -log softmax(logits[i])[targets[i]]},
     * computed with a stable log-softmax. {@code logits} has shape [N, C]; {@code targets} holds N
     * class indices in [0, C).
     */
    public static Var crossEntropy(Var logits, int[] targets) {
        return Ops.scale(crossEntropySum(logits, targets), 1.0 / checkedRows(logits, targets));
    }

    /** Like {@link #crossEntropy} but summed over rows instead of averaged. */
    public static Var crossEntropySum(Var logits, int[] targets) {
        int n = checkedRows(logits, targets);
        int c = logits.value().dim(1);
        double[] oneHot = new double[n * c];
        for (int i = 0; i < n; i++) {
            oneHot[i * c + targets[i]] = 1.0;
        }
        Var logp = Ops.logSoftmax(logits, 1);
        Tensor targets1 = Tensor.wrap(oneHot, n, c).cast(logits.value().dtype()); // exact: zeros and ones
        return Ops.neg(Ops.sum(Ops.mul(logp, Var.constant(targets1))));
    }

    private static int checkedRows(Var logits, int[] targets) {
        if (targets == null) {
            throw new IllegalArgumentException("crossEntropy: targets must not be null");
        }
        int[] s = logits.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("crossEntropy: logits must have shape [N, C], got " + Shape.format(s));
        }
        if (s[0] != targets.length) {
            throw new IllegalArgumentException("crossEntropy: logits shape " + Shape.format(s) + " has " + s[0]
                    + " rows but there are " + targets.length + " targets");
        }
        if (s[0] == 0) {
            throw new IllegalArgumentException("crossEntropy: no rows (logits shape " + Shape.format(s) + ")");
        }
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] < 0 || targets[i] >= s[1]) {
                throw new IllegalArgumentException("crossEntropy: target " + targets[i] + " at row " + i
                        + " is outside [0, " + s[1] + ") for logits shape " + Shape.format(s));
            }
        }
        return s[0];
    }
}
