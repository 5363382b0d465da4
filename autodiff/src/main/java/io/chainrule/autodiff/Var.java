package io.chainrule.autodiff;

import io.chainrule.autodiff.engine.Vertex;
import io.chainrule.autodiff.engine.Walk;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.function.Consumer;

/**
 * A value in a differentiable computation: a {@link Tensor} plus, when it depends on a parameter,
 * the recorded operation that produced it.
 *
 * <ul>
 *   <li>{@link #param} makes a leaf that requires a gradient (a parameter). After
 *       {@link #backward()}, its {@link #grad()} holds dL/dparam, summed over every place the
 *       parameter was used (weight tying needs nothing special).</li>
 *   <li>{@link #constant} makes a value with no gradient path (data, targets).</li>
 *   <li>Operations ({@link Ops}, and the fluent methods here) return new Vars; they are recorded
 *       when grad mode is on ({@link NoGrad}) and at least one input requires a gradient.</li>
 * </ul>
 *
 * <p>A Var's value is never changed by operations; optimizers update parameters in place (a graph
 * that saved the old value then refuses to differentiate: see {@link Op#saved}). The one exception
 * is asked for explicitly: a value {@linkplain #donate() donated} to the op that reads it first,
 * which may then write its own result over it (and reading it afterwards is an error).
 * Graphs are not thread-safe: build and differentiate one graph on one thread at a time (distinct
 * graphs may run concurrently; parameters shared between them receive gradients from both).
 */
public final class Var {
    private static final int DONATED = 1;
    private static final int OVERWRITTEN = 2;
    private static final int FORBIDDEN = 4;

    final Tensor value;
    /** The graph record of the op that produced this value (a leaf's for a parameter), or null for values without gradient. */
    final Vertex node;
    /** Which output of {@link #node} this is. */
    final int slot;
    /** The gradient kept by {@link #retainGrad()} (a parameter's lives in its leaf). */
    private Tensor grad;
    private String name;
    /** DONATED, OVERWRITTEN, FORBIDDEN: any set bit sends {@link #value()} the slow way. */
    private int flags;
    /** The op that overwrote a donated value, or why reads are forbidden. */
    private String note;

    Var(Tensor value, Vertex node, int slot) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        this.value = value;
        this.node = node;
        this.slot = slot;
    }

    /** A parameter: a leaf whose gradient is accumulated by {@link #backward()}. */
    public static Var param(Tensor value) {
        return param(value, null);
    }

    /**
     * A named parameter (the name appears in error messages, reports and graph drawings). The
     * value is {@linkplain Tensor#pin() pinned}: it belongs to the model.
     */
    public static Var param(Tensor value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("parameter value must not be null" + (name == null ? "" : " (" + name + ")"));
        }
        return new Var(value.pin(), name);
    }

    /** A parameter's Var, with its leaf. */
    private Var(Tensor value, String name) {
        this.value = value;
        this.node = Vertex.leaf(this, value.shape(), value.dtype());
        this.slot = 0;
        this.name = name;
        node.setOutputLabel(0, name);
    }

    /** A value with no gradient path (data, targets); the value is {@linkplain Tensor#pin() pinned}: it belongs to the caller. */
    public static Var constant(Tensor value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        return new Var(value.pin(), null, 0);
    }

    /** A rank-0 constant. */
    public static Var constant(double value) {
        return new Var(Tensor.scalar(value), null, 0);
    }

    /** A named constant. */
    public static Var constant(Tensor value, String name) {
        Var v = constant(value);
        v.name = name;
        return v;
    }

    /** An op's result computed without recording: no gradient path, and not pinned (the op made it). */
    static Var computed(Tensor value) {
        return new Var(value, null, 0);
    }

    // ------------------------------------------------------------------ state

    /** The forward value. */
    public Tensor value() {
        if (flags != 0) {
            return checkedValue();
        }
        return value;
    }

    private Tensor checkedValue() {
        if ((flags & FORBIDDEN) != 0) {
            throw new IllegalStateException(describe() + " was read where reading it is forbidden: " + note);
        }
        if ((flags & OVERWRITTEN) != 0) {
            throw new IllegalStateException("the value of " + (name == null ? "this Var" : "'" + name + "'")
                    + " was donated to '" + note + "', which wrote its result over it; it can no longer be read");
        }
        flags &= ~DONATED; // read before any op claimed it: someone may hold it now, so no op may overwrite it
        return value;
    }

    /**
     * Offers this value's storage to the first op that reads it (buffer donation, as in JAX): an
     * op that can compute its result in place, such as {@link Ops#addMatMul} accumulating into
     * {@code c}, then writes over it instead of allocating a buffer. Reading the value before that
     * op ({@link #value()}, or any op that reads it) withdraws the offer; reading it after raises an
     * error naming the op, so a mistake is loud, never a silent wrong value. Gradients are
     * unaffected: backward never reads a donated value.
     *
     * <p>The offer is taken only for storage nobody else holds: it is refused (this returns false)
     * for a {@linkplain Tensor#isPinned() pinned} value, which is any parameter, any data given to
     * {@link #constant}, anything an op saved for backward, and any view of those. The recurrent
     * unroll donates each step's slice of its hoisted input projection this way.
     *
     * @return whether the value was donated
     */
    public boolean donate() {
        if (node != null && node.isLeaf() || (flags & OVERWRITTEN) != 0 || value.isPinned()) {
            return false;
        }
        flags |= DONATED;
        return true;
    }

    /**
     * For {@link Op#overwritable}: when this value is donated and unread, hands over its tensor for
     * {@code op} to write its result over (reading it afterwards raises an error naming
     * {@code op}); otherwise null.
     */
    Tensor claimDonated(String op) {
        if ((flags & DONATED) == 0 || (flags & FORBIDDEN) != 0) {
            return null;
        }
        flags = (flags & ~DONATED) | OVERWRITTEN;
        note = op;
        return value;
    }

    /**
     * Forbids reading this value until the returned scope is closed: {@link #value()}, and so any
     * op given this Var, then throws an {@link IllegalStateException} that says {@code why}. For
     * code that hands a computation substitutes for some values (per-step aliases of parameters)
     * and must know the originals are not read behind its back. Not for values shared with other
     * threads while the scope is open.
     */
    public ReadsForbidden forbidReads(String why) {
        if ((flags & FORBIDDEN) != 0) {
            throw new IllegalStateException("reads of " + describe() + " are already forbidden: " + note);
        }
        String before = note;
        flags |= FORBIDDEN;
        note = why;
        return () -> {
            flags &= ~FORBIDDEN;
            note = before;
        };
    }

    /** The scope of {@link #forbidReads}: closing it allows reads again. */
    @FunctionalInterface
    public interface ReadsForbidden extends AutoCloseable {
        @Override
        void close();
    }

    /** The accumulated gradient, or null if no gradient has reached this value since {@link #zeroGrad()}. */
    public Tensor grad() {
        return node != null && node.isLeaf() ? node.grad() : grad;
    }

    /** The shape of the value (a copy). */
    public int[] shape() {
        return value.shape();
    }

    /** True if gradients flow to this value (it is a parameter or depends on one). */
    public boolean requiresGrad() {
        return node != null;
    }

    /** True for parameters and constants: values not produced by a recorded operation. */
    public boolean isLeaf() {
        return node == null || node.isLeaf();
    }

    /** True for a parameter ({@link #param}). */
    public boolean isParameter() {
        return node != null && node.isLeaf();
    }

    /** The recorded operation that produced this value, or null for parameters and constants. */
    public Op creator() {
        return node == null || node.isLeaf() ? null : (Op) node.owner();
    }

    /** The name given with {@link #named} or {@link #param(Tensor, String)}, or null. */
    public String name() {
        return name;
    }

    /** Sets this value's name (for messages and drawings); returns this. */
    public Var named(String newName) {
        this.name = newName;
        if (node != null) {
            node.setOutputLabel(slot, newName);
        }
        return this;
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        if (node != null && node.isLeaf()) {
            node.setGrad(null);
        } else {
            grad = null;
        }
    }

    /** Replaces the accumulated gradient (used by clipping and by optimizers' tests). */
    public void setGrad(Tensor newGrad) {
        if (newGrad != null && !newGrad.sameShape(value)) {
            throw new IllegalArgumentException("gradient of shape " + Shape.format(newGrad.shape())
                    + " does not match " + describe() + " of shape " + Shape.format(value.shape()));
        }
        if (node != null && node.isLeaf()) {
            node.setGrad(newGrad);
        } else {
            grad = newGrad;
        }
    }

    private void accumulateGrad(Tensor g) {
        if (grad == null) {
            grad = g.copy();
        } else {
            grad.addInPlace(g);
        }
    }

    // ------------------------------------------------------------------ backward

    /** Differentiates this scalar: afterwards every parameter it depends on holds dthis/dparam. */
    public void backward() {
        if (value.size() != 1) {
            throw new IllegalArgumentException("backward() needs a scalar (one-element) value, but "
                    + describe() + " has shape " + Shape.format(value.shape())
                    + "; pass the gradient of the loss with respect to it: backward(seed)");
        }
        backward(Tensor.ones(value.shape()), false);
    }

    /** Differentiates with {@code seed} as the gradient of the loss with respect to this value. */
    public void backward(Tensor seed) {
        backward(seed, false);
    }

    /**
     * Differentiates with {@code seed} as dL/dthis. With {@code retainGraph} the saved tensors are
     * kept so the graph can be differentiated again; otherwise they are freed as backward goes
     * and a second backward through the same graph is an error.
     */
    public void backward(Tensor seed, boolean retainGraph) {
        if (seed == null) {
            throw new IllegalArgumentException("seed gradient must not be null");
        }
        if (!requiresGrad()) {
            throw new IllegalStateException(describe() + " does not require a gradient: it depends on no parameter, "
                    + "or it was computed under NoGrad or from detached values");
        }
        if (!seed.sameShape(value)) {
            throw new IllegalArgumentException("seed gradient of shape " + Shape.format(seed.shape())
                    + " does not match " + describe() + " of shape " + Shape.format(value.shape()));
        }
        try (NoGrad scope = NoGrad.enter()) {
            Walk.run(node, slot, seed, retainGraph, Anomaly.isEnabled(), new OpRunner());
        }
    }

    /**
     * Frees the saved tensors of every recorded operation this value depends on, without
     * differentiating (for a graph built but not needed). Iterative; parameters are untouched.
     */
    public void releaseGraph() {
        if (node != null) {
            Vertex.releaseAll(node, new OpRunner());
        }
    }

    /**
     * Keeps the gradient of this (non-leaf) value in {@link #grad()} during the next backward
     * passes, accumulated like a parameter's. Returns this.
     */
    public Var retainGrad() {
        if (node != null && !node.isLeaf()) {
            node.addHook(slot, this::accumulateGrad);
        }
        return this;
    }

    /**
     * Calls {@code hook} with the gradient of this value during backward (the total gradient for a
     * recorded value; each contribution as it arrives for a parameter). The hook must not modify it,
     * and must copy it to keep it (the engine may accumulate into that buffer afterwards).
     */
    public Var onGradient(Consumer<Tensor> hook) {
        if (node == null) {
            throw new IllegalStateException(describe() + " does not require a gradient; a hook on it would never run");
        }
        node.addHook(slot, hook);
        return this;
    }

    // ------------------------------------------------------------------ fluent operations (see Ops)

    public Var add(Var other) {
        return Ops.add(this, other);
    }

    public Var sub(Var other) {
        return Ops.sub(this, other);
    }

    public Var mul(Var other) {
        return Ops.mul(this, other);
    }

    public Var div(Var other) {
        return Ops.div(this, other);
    }

    public Var mul(double c) {
        return Ops.scale(this, c);
    }

    public Var neg() {
        return Ops.neg(this);
    }

    public Var pow(double p) {
        return Ops.pow(this, p);
    }

    public Var exp() {
        return Ops.exp(this);
    }

    public Var log() {
        return Ops.log(this);
    }

    public Var tanh() {
        return Ops.tanh(this);
    }

    public Var sigmoid() {
        return Ops.sigmoid(this);
    }

    public Var relu() {
        return Ops.relu(this);
    }

    /** Sum of all elements (rank 0). */
    public Var sum() {
        return Ops.sum(this);
    }

    /** Mean of all elements (rank 0). */
    public Var mean() {
        return Ops.mean(this);
    }

    public Var reshape(int... shape) {
        return Ops.reshape(this, shape);
    }

    /** Swaps the last two axes. */
    public Var transpose() {
        return Ops.transpose(this);
    }

    /** The generalized product {@link Ops#prod}. */
    public Var prod(Var other) {
        return Ops.prod(this, other);
    }

    /** Same value, no gradient path. */
    public Var detach() {
        return Ops.detach(this);
    }

    String describe() {
        return name != null ? "'" + name + "'" : node == null ? "a constant"
                : node.isLeaf() ? "a parameter" : "the output of '" + node.name() + "'";
    }

    @Override
    public String toString() {
        return "Var(" + (name == null ? "" : name + ", ") + (requiresGrad() ? "requiresGrad, " : "") + value + ")";
    }
}
