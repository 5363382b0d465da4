package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;

/**
 * Reorders axes: output axis i is input axis {@code perm[i]}. Backward: the gradient permuted by
 * the inverse permutation. Saves nothing.
 */
public final class Permute extends Op {
    private final int[] inverse;

    private Permute(Var x, int[] perm) {
        super("permute", x);
        this.inverse = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
        }
    }

    public static Var apply(Var x, int... perm) {
        return new Permute(x, perm.clone()).output(x.value().permute(perm));
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
    protected void backward(Gradients grads) {
        grads.set(0, grads.output().permute(inverse));
    }
}
