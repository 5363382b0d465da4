package io.chainrule.rnn;

import io.chainrule.autodiff.Var;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The parameters a cell uses at one step. A cell's {@link Cell#step} reads every parameter
 * through {@link #get}: normally that returns the parameter itself (weight tying: the same Var at
 * every step, gradients summed by the engine); for per-step diagnostics and the weight-tying
 * demonstration the unroller substitutes a per-step alias, which is how it sees each step's
 * contribution to a parameter's gradient.
 */
public final class Params {
    private static final Params SHARED = new Params(null);
    private final Map<Var, Var> substitutes;

    private Params(Map<Var, Var> substitutes) {
        this.substitutes = substitutes;
    }

    /** The parameters themselves (the normal, weight-tied case). */
    public static Params shared() {
        return SHARED;
    }

    /** Each listed parameter replaced by its substitute (identity-keyed); others unchanged. */
    public static Params substituting(Map<Var, Var> substitutes) {
        return new Params(new IdentityHashMap<>(substitutes));
    }

    /** The Var to use for {@code parameter} at this step. */
    public Var get(Var parameter) {
        if (substitutes == null) {
            return parameter;
        }
        Var v = substitutes.get(parameter);
        return v == null ? parameter : v;
    }
}
