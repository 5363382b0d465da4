package io.chainrule.autodiff;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
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
 * <p>A Var's value is never changed by operations; optimizers update parameters in place. The one
 * exception is asked for explicitly: a value {@linkplain #donate() donated} to the op that reads
 * it first, which may then write its own result over it (and reading it afterwards is an error).
 * Graphs are not thread-safe: build and differentiate one graph on one thread at a time (distinct
 * graphs may run concurrently; parameters shared between them receive gradients from both).
 */
public final class Var {
    private final Tensor value;
    /** The producing node (a {@link Leaf} for parameters), or null for values without gradient. */
    final Node node;
    /** Which output of {@link #node} this is. */
    final int slot;
    private Tensor grad;
    private String name;
    /** Whether the first op to read the value may overwrite it ({@link #donate}); cleared by any read. */
    private boolean donated;
    /** The op that overwrote the donated value, once it has (reading the value is then an error). */
    private String overwrittenBy;

    Var(Tensor value, Node node, int slot) {
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

    /** A named parameter (the name appears in error messages, reports and graph drawings). */
    public static Var param(Tensor value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("parameter value must not be null" + (name == null ? "" : " (" + name + ")"));
        }
        Leaf leaf = new Leaf(value.shape());
        Var v = new Var(value, leaf, 0);
        leaf.bind(v);
        v.name = name;
        leaf.outputLabels = new String[] {name};
        return v;
    }

    /** A value with no gradient path. */
    public static Var constant(Tensor value) {
        return new Var(value, null, 0);
    }

    /** A rank-0 constant. */
    public static Var constant(double value) {
        return new Var(Tensor.scalar(value), null, 0);
    }

    /** A named constant. */
    public static Var constant(Tensor value, String name) {
        Var v = new Var(value, null, 0);
        v.name = name;
        return v;
    }

    // ------------------------------------------------------------------ state

    /** The forward value. */
    public Tensor value() {
        if (donated || overwrittenBy != null) {
            return readDonated();
        }
        return value;
    }

    private Tensor readDonated() {
        if (overwrittenBy != null) {
            throw new IllegalStateException("the value of " + (name == null ? "this Var" : "'" + name + "'")
                    + " was donated to '" + overwrittenBy + "', which wrote its result over it; it can no longer be read");
        }
        donated = false; // read before any op claimed it: someone may hold it now, so no op may overwrite it
        return value;
    }

    /**
     * Donates this value's storage to the first op that consumes it (buffer donation, as in JAX):
     * an op that can compute its result in place, such as {@link Ops#addMatMul} accumulating into
     * {@code c}, then writes over it instead of allocating a buffer. Reading the value before that
     * op ({@link #value()}, or any op that reads it) withdraws the donation; reading it after
     * raises an error naming the op, so a mistake is loud, never a silent wrong value. Gradients
     * are unaffected: backward never reads a donated value. Call it only for a value whose storage
     * nothing else holds, a buffer an op made for it alone and nothing has read yet (the
     * recurrent layers donate each step's slice of their hoisted input projection). Returns this.
     */
    public Var donate() {
        if (node instanceof Leaf) {
            throw new IllegalArgumentException("a parameter's value cannot be donated" + (name == null ? "" : " (" + name + ")"));
        }
        if (overwrittenBy == null) {
            donated = true;
        }
        return this;
    }

    /**
     * For ops: when this value is donated and unread, hands over its tensor for {@code op} to
     * write its result over (reading the Var afterwards raises an error naming {@code op});
     * otherwise returns null and the op must allocate as usual.
     */
    public Tensor claimDonated(String op) {
        if (!donated) {
            return null;
        }
        donated = false;
        overwrittenBy = op;
        return value;
    }

    /** The accumulated gradient, or null if no gradient has reached this value since {@link #zeroGrad()}. */
    public Tensor grad() {
        return grad;
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
        return node == null || node instanceof Leaf;
    }

    /** The recorded operation that produced this value, or null for leaves. */
    public Node creator() {
        return node instanceof Leaf ? null : node;
    }

    /** The name given with {@link #named} or {@link #param(Tensor, String)}, or null. */
    public String name() {
        return name;
    }

    /** Sets this value's name (for messages and drawings); returns this. */
    public Var named(String newName) {
        this.name = newName;
        if (node != null && !(node instanceof Leaf)) {
            if (node.outputLabels == null) {
                node.outputLabels = new String[Math.max(1, node.outputCount())];
            }
            node.outputLabels[slot] = newName;
        }
        return this;
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** Replaces the accumulated gradient (used by clipping and by optimizers' tests). */
    public void setGrad(Tensor newGrad) {
        if (newGrad != null && !newGrad.sameShape(value)) {
            throw new IllegalArgumentException("gradient of shape " + Shape.format(newGrad.shape())
                    + " does not match " + describe() + " of shape " + Shape.format(value.shape()));
        }
        grad = newGrad;
    }

    /** Sets the gradient to a fresh tensor nobody else holds (no copy). */
    void takeGrad(Tensor fresh) {
        grad = fresh;
    }

    void accumulateGrad(Tensor g) {
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
        Backward.run(this, seed, retainGraph);
    }

    /**
     * Frees the saved tensors of every recorded operation this value depends on, without
     * differentiating (for a graph built but not needed). Iterative; parameters are untouched.
     */
    public void releaseGraph() {
        if (node == null) {
            return;
        }
        Deque<Node> stack = new ArrayDeque<>();
        Set<Node> seen = new HashSet<>();
        stack.push(node);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (!seen.add(n)) {
                continue;
            }
            n.release();
            for (Node m : n.next) {
                if (m != null) {
                    stack.push(m);
                }
            }
        }
    }

    /**
     * Keeps the gradient of this (non-leaf) value in {@link #grad()} during the next backward
     * passes, accumulated like a parameter's. Returns this.
     */
    public Var retainGrad() {
        if (node != null && !(node instanceof Leaf)) {
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
        String what = name != null ? "'" + name + "'" : node == null ? "a constant"
                : node instanceof Leaf ? "a parameter" : "the output of '" + node.name() + "'";
        return what;
    }

    @Override
    public String toString() {
        return "Var(" + (name == null ? "" : name + ", ") + (requiresGrad() ? "requiresGrad, " : "") + value + ")";
    }
}
