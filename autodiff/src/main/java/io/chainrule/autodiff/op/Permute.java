package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Node;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * Reorders axes: output axis i is input axis {@code perm[i]}. Backward: the gradient permuted by
 * the inverse permutation. Saves nothing.
 */
public final class Permute extends Node {
    private final int[] inverse;

    private Permute(Var x, int[] perm) {
        super("permute", x);
        this.inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
        }
    }

    public static Var apply(Var x, int... perm) {
        Tensor y = x.value().permute(perm);
        return recording(x) ? new Permute(x, perm.clone()).output(y) : Var.constant(y);
    }

    /** Swaps the last two axes (identity for rank below 2). */
    public static Var transpose(Var x) {
        int r = x.value().rank();
        if (r < 2) {
            return x;
        }
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) {
            perm[i] = i;
        }
        perm[r - 1] = r - 2;
        perm[r - 2] = r - 1;
        return apply(x, perm);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.permute(inverse)};
    }
}
