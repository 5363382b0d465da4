package io.chainrule.rnn;

import io.chainrule.autodiff.Var;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters a cell uses at one step. A cell's {@link Cell#step} reads every parameter
 * through {@link #get}: normally that returns the parameter itself (weight tying: the same Var at
 * every step, gradients summed by the engine); for per-step diagnostics and the weight-tying
 * demonstration the unroller substitutes a per-step alias, which is how it sees each step's
 * contribution to a parameter's gradient. While such a step runs, the parameters it substitutes
 * cannot be read directly: a cell that reads one behind {@code get}'s back gets an error naming it,
 * never a silently missing contribution.
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

    /** The scope of {@link #forbidOriginals}. */
    @FunctionalInterface
    interface Guard extends AutoCloseable {
        @Override
        void close();
    }

    /** Forbids reading the parameters this substitutes until the scope closes; {@code where} names the step in the error. */
    Guard forbidOriginals(String where) {
        if (substitutes == null || substitutes.isEmpty()) {
            return () -> { };
        }
        List<Var.ReadsForbidden> scopes = new ArrayList<>(substitutes.size());
        try {
            for (Var original : substitutes.keySet()) {
                if (substitutes.get(original) != original) {
                    scopes.add(original.forbidReads(where + " read parameter "
                            + (original.name() == null ? "(unnamed)" : "'" + original.name() + "'")
                            + " directly; a cell must read every parameter through the Params its step is given "
                            + "(params.get(p)), or per-step diagnostics miss that use"));
                }
            }
        } catch (RuntimeException e) {
            scopes.forEach(Var.ReadsForbidden::close);
            throw e;
        }
        return () -> scopes.forEach(Var.ReadsForbidden::close);
    }
}
