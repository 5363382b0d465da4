package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machinery shared by optimizers whose update of each parameter element depends only on that
 * element's value, gradient and per-parameter buffers (SGD, Adam): the step skeleton with its
 * checks-before-changes, the per-parameter update counts and buffers, and the state export and
 * import described in {@link Optimizer}.
 */
abstract class ElementwiseOptimizer implements Optimizer {
    /** Counts are stored as doubles; they are exact up to 2^53. */
    private static final double MAX_COUNT = 0x1p53;

    private final String who;
    private final List<Var> params;
    private final List<String> bufferNames;
    private final boolean rejectNonFinite;
    private long steps;
    /** updates[i]: how many steps updated parameter i. */
    private long[] updates;
    /** buffers[i][b]: buffer b of parameter i, or buffers[i] == null before its first update. */
    private Tensor[][] buffers;

    ElementwiseOptimizer(String who, List<Var> params, List<String> bufferNames, boolean rejectNonFinite) {
        this.who = who;
        this.params = Parameters.trainable(who, params);
        this.bufferNames = List.copyOf(bufferNames);
        this.rejectNonFinite = rejectNonFinite;
        this.updates = new long[this.params.size()];
        this.buffers = new Tensor[this.params.size()][];
    }

    /**
     * Updates {@code param} in place from {@code grad} and its {@code buffers} (updated in place
     * too; all zero before the first update), for the {@code t}-th update of this parameter
     * ({@code t >= 1}). Must not throw.
     */
    abstract void update(Tensor param, Tensor grad, Tensor[] buffers, long t);

    @Override
    public final List<Var> parameters() {
        return params;
    }

    @Override
    public final void step() {
        int n = params.size();
        // 1. check every gradient before touching anything
        Tensor[] grads = new Tensor[n];
        for (int i = 0; i < n; i++) {
            Tensor g = params.get(i).grad();
            if (g != null && rejectNonFinite) {
                int bad = g.firstNonFinite();
                if (bad >= 0) {
                    throw new ArithmeticException(who + ".step: the gradient of " + Parameters.label(params.get(i), i)
                            + ", shape " + Shape.format(g.shape()) + ", holds " + g.getFlat(bad) + " at flat index "
                            + bad + "; no parameter was updated (this optimizer rejects non-finite gradients)");
                }
            }
            grads[i] = g;
        }
        // 2. allocate the buffers of first updates, so that running out of memory changes nothing
        Tensor[][] fresh = new Tensor[n][];
        for (int i = 0; i < n; i++) {
            if (grads[i] != null && buffers[i] == null) {
                fresh[i] = new Tensor[bufferNames.size()];
                for (int b = 0; b < fresh[i].length; b++) {
                    fresh[i][b] = Tensor.zerosLike(params.get(i).value());
                }
            }
        }
        // 3. update
        for (int i = 0; i < n; i++) {
            if (grads[i] == null) {
                continue;
            }
            if (fresh[i] != null) {
                buffers[i] = fresh[i];
            }
            updates[i]++;
            Tensor value = params.get(i).value();
            if (value.dtype() == DType.FLOAT32) {
                // float32 parameters and state: the update computed on their exact float64 values, rounded once
                Tensor p64 = value.cast(DType.FLOAT64);
                Tensor[] b64 = new Tensor[buffers[i].length];
                for (int b = 0; b < b64.length; b++) {
                    b64[b] = buffers[i][b].cast(DType.FLOAT64);
                }
                update(p64, grads[i].cast(DType.FLOAT64), b64, updates[i]);
                value.assignInPlace(p64.cast(DType.FLOAT32));
                for (int b = 0; b < b64.length; b++) {
                    buffers[i][b].assignInPlace(b64[b].cast(DType.FLOAT32));
                }
            } else {
                update(value, grads[i], buffers[i], updates[i]);
                value.markWritten(); // a graph that saved the old value now refuses to differentiate
                for (Tensor b : buffers[i]) {
                    b.markWritten();
                }
            }
        }
        steps++;
    }

    @Override
    public final void zeroGrad() {
        for (Var p : params) {
            p.zeroGrad();
        }
    }

    @Override
    public final long stepCount() {
        return steps;
    }

    @Override
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("step", Tensor.scalar(steps));
        for (int i = 0; i < params.size(); i++) {
            if (updates[i] == 0) {
                continue;
            }
            out.put("step." + i, Tensor.scalar(updates[i]));
            for (int b = 0; b < bufferNames.size(); b++) {
                out.put(bufferNames.get(b) + "." + i, buffers[i][b].copy());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public final void loadState(Map<String, Tensor> state) {
        String where = who + ".loadState";
        if (state == null) {
            throw new IllegalArgumentException(where + ": state must not be null");
        }
        int n = params.size();
        long newSteps = count(where, "step", state.get("step"), 0, MAX_COUNT);
        long[] newUpdates = new long[n];
        Tensor[][] newBuffers = new Tensor[n][];
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            if ("step".equals(key)) {
                continue;
            }
            int dot = key == null ? -1 : key.lastIndexOf('.');
            String kind = dot < 0 ? null : key.substring(0, dot);
            int i = dot < 0 ? -1 : index(key.substring(dot + 1), n);
            int b = kind == null ? -1 : bufferNames.indexOf(kind);
            if (i < 0 || !("step".equals(kind) || b >= 0)) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "'; expected 'step', or 'step.<i>'"
                        + (bufferNames.isEmpty() ? "" : " and " + String.join(", ", suffixed(bufferNames)))
                        + " with <i> a parameter index in [0, " + n + ")");
            }
            if (b < 0) {
                newUpdates[i] = count(where, key, e.getValue(), 1, newSteps);
            } else {
                Tensor t = e.getValue();
                int[] shape = params.get(i).value().shape();
                if (t == null || !t.hasShape(shape)) {
                    throw new IllegalArgumentException(where + ": '" + key + "' must have the shape " + Shape.format(shape)
                            + " of " + Parameters.label(params.get(i), i) + ", got "
                            + (t == null ? "null" : Shape.format(t.shape())));
                }
                if (newBuffers[i] == null) {
                    newBuffers[i] = new Tensor[bufferNames.size()];
                }
                newBuffers[i][b] = t.copy();
            }
        }
        for (int i = 0; i < n; i++) {
            if (newUpdates[i] == 0 && newBuffers[i] != null) {
                throw new IllegalArgumentException(where + ": buffers of parameter " + i + " are given but 'step." + i
                        + "' is missing");
            }
            if (newUpdates[i] > 0) {
                if (newBuffers[i] == null) {
                    newBuffers[i] = new Tensor[bufferNames.size()];
                }
                for (int b = 0; b < bufferNames.size(); b++) {
                    if (newBuffers[i][b] == null) {
                        throw new IllegalArgumentException(where + ": missing key '" + bufferNames.get(b) + "." + i
                                + "' ('step." + i + "' says parameter " + i + " was updated)");
                    }
                }
            }
        }
        steps = newSteps;
        updates = newUpdates;
        buffers = newBuffers;
    }

    /** A rank-0 tensor holding an integer in [min, max]. */
    private static long count(String where, String key, Tensor t, double min, double max) {
        if (t == null) {
            throw new IllegalArgumentException(where + ": missing key '" + key + "'");
        }
        if (t.rank() != 0) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a rank-0 count, got shape "
                    + Shape.format(t.shape()));
        }
        double v = t.item();
        if (!(v >= min && v <= max) || v != Math.rint(v)) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be an integer in [" + (long) min + ", "
                    + (long) max + "], got " + v);
        }
        return (long) v;
    }

    /** The parameter index written in canonical decimal form, or -1. */
    private static int index(String digits, int n) {
        try {
            int i = Integer.parseInt(digits);
            return i >= 0 && i < n && Integer.toString(i).equals(digits) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String[] suffixed(List<String> names) {
        return names.stream().map(s -> "'" + s + ".<i>'").toArray(String[]::new);
    }

    /** The hyperparameters, for {@link #toString()}: {@code "lr=0.1, momentum=0.9"}. */
    abstract String settings();

    @Override
    public final String toString() {
        return who + "(" + settings() + "; " + params.size() + " parameters, " + steps + " steps)";
    }
}
