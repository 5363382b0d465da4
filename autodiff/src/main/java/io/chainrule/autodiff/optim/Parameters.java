package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Checks on the parameter lists given to optimizers and clipping, and their names in messages. */
final class Parameters {
    private Parameters() {
    }

    /**
     * An immutable copy of {@code params} after checking that the list and its elements are
     * non-null and that no Var appears twice (a repeated parameter would be updated, or clipped,
     * twice).
     */
    static List<Var> distinct(String who, List<Var> params) {
        if (params == null) {
            throw new IllegalArgumentException(who + ": params must not be null");
        }
        Map<Var, Integer> first = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Var v = params.get(i);
            if (v == null) {
                throw new IllegalArgumentException(who + ": params[" + i + "] is null");
            }
            Integer j = first.putIfAbsent(v, i);
            if (j != null) {
                throw new IllegalArgumentException(who + ": params[" + j + "] and params[" + i
                        + "] are the same Var" + quotedName(v)
                        + "; list each parameter once");
            }
        }
        return List.copyOf(params);
    }

    /** Like {@link #distinct}, and also non-empty and made of parameters ({@link Var#param}). */
    static List<Var> trainable(String who, List<Var> params) {
        List<Var> list = distinct(who, params);
        if (list.isEmpty()) {
            throw new IllegalArgumentException(who + ": params is empty; pass at least one parameter");
        }
        for (int i = 0; i < list.size(); i++) {
            Var v = list.get(i);
            if (!v.requiresGrad() || !v.isLeaf()) {
                throw new IllegalArgumentException(who + ": params[" + i + "]" + quotedName(v)
                        + " is not a parameter made with Var.param (it is "
                        + (v.requiresGrad() ? "the output of '" + v.creator().name() + "'" : "a constant") + ")");
            }
        }
        return list;
    }

    private static String quotedName(Var v) {
        return v.name() == null ? "" : " '" + v.name() + "'";
    }

    /** "'w' (parameter 3)" or "parameter 3". */
    static String label(Var v, int i) {
        return v.name() == null ? "parameter " + i : "'" + v.name() + "' (parameter " + i + ")";
    }
}
