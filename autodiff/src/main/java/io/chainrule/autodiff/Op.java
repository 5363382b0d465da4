package io.chainrule.autodiff;

import io.chainrule.autodiff.engine.Vertex;
import io.chainrule.core.DType;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

/**
 * A differentiable operation: the one contract the built-in primitives and users' own ops
 * implement. One small final subclass per op, forward and backward side by side:
 *
 * <pre>{@code
 * final class Softplus extends Op {                      // y = log(1 + e^x), dy/dx = sigmoid(x)
 *     private Softplus(Var x) {
 *         super("softplus", x);
 *         save(x);                                        // what backward needs, declared here
 *     }
 *
 *     static Var apply(Var x) {
 *         Tensor y = x.value().map(v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
 *         return new Softplus(x).output(y);
 *     }
 *
 *     @Override
 *     protected void backward(Gradients g) {
 *         g.set(0, g.output().mul(saved(0).sigmoid()));
 *     }
 * }
 * }</pre>
 *
 * <p><b>Forward.</b> A static {@code apply} computes the value from its inputs' values, makes the
 * op with its inputs, and returns {@link #output} (or {@link #outputs}). The constructor
 * {@linkplain #save saves} only what backward needs. Whether the op is recorded is decided here:
 * when grad mode is on and an input requires a gradient; otherwise {@code output} returns a value
 * with no gradient path and nothing is kept. Anomaly mode checks every output.
 *
 * <p><b>Backward.</b> {@link #backward(Gradients)} reads the gradients of the outputs and hands
 * over the gradient of each input that {@linkplain #needsInputGrad needs one}: the op's <em>local
 * contribution</em>. Only the engine sums contributions (so a value used twice, a tied weight,
 * needs nothing special), and only the engine decides where gradients are written
 * ({@link Gradients}).
 *
 * <p><b>Saved values cannot change silently.</b> Each saved tensor's
 * {@linkplain Tensor#version() version} is recorded; {@link #saved} checks it, and a value that
 * changed in between (an in-place write, an optimizer step) is an error naming this op, which of
 * its inputs or outputs changed, and both versions.
 *
 * <p>Built-in ops are in {@code io.chainrule.autodiff.op} and listed in {@code Primitives}; they
 * use exactly this contract. Checkpointed segments recompute user ops like any other.
 */
public abstract class Op {
    private final String name;
    /** The graph record when this op is recorded, else null. */
    final Vertex vertex;
    /** The inputs, until the outputs are made (to name saved inputs and claim donated ones). */
    private Var[] inputs;

    /**
     * An op applied to {@code inputs} (in the order backward hands over their gradients). It is
     * recorded when grad mode is on and at least one input requires a gradient.
     */
    protected Op(String name, Var... inputs) {
        this(name, inputs, false);
    }

    /** With {@code always}, recorded whenever grad mode is on (a checkpoint, whose segment may capture parameters). */
    Op(String name, Var[] inputs, boolean always) {
        if (name == null) {
            throw new IllegalArgumentException("an op needs a name");
        }
        this.name = name;
        this.inputs = inputs;
        boolean record = false;
        for (int i = 0; i < inputs.length; i++) {
            Var v = inputs[i];
            if (v == null) {
                throw new IllegalArgumentException("input " + i + " of '" + name + "' is null");
            }
            record |= v.node != null;
        }
        if ((record || always) && GradMode.isEnabled()) {
            Vertex[] producers = new Vertex[inputs.length];
            int[] slots = new int[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                producers[i] = inputs[i].node;
                slots[i] = inputs[i].slot;
            }
            this.vertex = Vertex.op(name, this, producers, slots,
                    Anomaly.isEnabled() ? new Throwable("'" + name + "' created here") : null);
            if (GraphDot.isTracing()) {
                String[] labels = new String[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    if (inputs[i].node == null) {
                        labels[i] = GraphDot.label(inputs[i].name(), inputs[i].shape());
                    }
                }
                vertex.setConstantLabels(labels);
            }
        } else {
            this.vertex = null;
        }
    }

    /** The op's name, e.g. {@code "tanh"}. */
    public final String name() {
        return name;
    }

    /** Whether this op was recorded (its outputs have a gradient path). */
    public final boolean isRecorded() {
        return vertex != null;
    }

    /** Whether backward must hand over a gradient for input {@code i}. */
    protected final boolean needsInputGrad(int i) {
        return vertex != null && vertex.producer(i) != null;
    }

    // ------------------------------------------------------------------ forward

    /**
     * Keeps input {@code input}'s value for backward ({@link #saved}, in the order saved). A
     * parameter's value is not counted in {@link Memory}: the model holds it whatever the graph
     * does. Nothing is kept when the op is not recorded.
     */
    protected final void save(Var input) {
        if (vertex == null) {
            return;
        }
        int role = Vertex.OTHER;
        if (inputs != null) {
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] == input) {
                    role = i;
                    break;
                }
            }
        }
        vertex.save(input.value(), role, !input.isParameter());
    }

    /** Keeps tensors for backward (an output, or anything else backward needs), counted in {@link Memory}. */
    protected final void save(Tensor... tensors) {
        if (vertex == null) {
            return;
        }
        for (Tensor t : tensors) {
            int role = Vertex.OTHER;
            if (inputs != null) {
                for (int i = 0; i < inputs.length; i++) {
                    if (inputs[i].value == t) {
                        role = i;
                        break;
                    }
                }
            }
            vertex.save(t, role, true);
        }
    }

    /**
     * For an op that can compute its output over the storage of input {@code input}: that input's
     * value, when the engine has donated it to this op (see {@link Var#donate()}: an op's result
     * that nothing else holds, read by this op first); the op then writes its output over it. Null
     * otherwise: the op allocates as usual. Call before reading the input's value.
     */
    protected final Tensor overwritable(int input) {
        Var v = inputs[input];
        for (int j = 0; j < inputs.length; j++) {
            if (j != input && inputs[j] == v) {
                return null; // read twice by this op: not writable
            }
        }
        return v.claimDonated(name);
    }

    /** The (single) output: a Var with {@code value}, recorded as this op's output when the op is. */
    protected final Var output(Tensor value) {
        Anomaly.checkForward(name, value);
        inputs = null;
        if (vertex == null) {
            return Var.computed(value);
        }
        vertex.setOutputs(new int[][] {value.shape()}, new DType[] {value.dtype()});
        vertex.markSavedOutput(value, 0);
        return new Var(value, vertex, 0);
    }

    /** The outputs of a multi-output op. */
    protected final Var[] outputs(Tensor... values) {
        for (Tensor v : values) {
            Anomaly.checkForward(name, v);
        }
        inputs = null;
        Var[] out = new Var[values.length];
        if (vertex == null) {
            for (int i = 0; i < values.length; i++) {
                out[i] = Var.computed(values[i]);
            }
            return out;
        }
        int[][] shapes = new int[values.length][];
        DType[] dtypes = new DType[values.length];
        for (int i = 0; i < values.length; i++) {
            shapes[i] = values[i].shape();
            dtypes[i] = values[i].dtype();
        }
        vertex.setOutputs(shapes, dtypes);
        for (int i = 0; i < values.length; i++) {
            vertex.markSavedOutput(values[i], i);
            out[i] = new Var(values[i], vertex, i);
        }
        return out;
    }

    /**
     * The outputs of an op whose outputs are consecutive parts of {@code whole} (views of its
     * storage that together cover it, in order, as a split along the first axis makes): backward
     * can then take the gradient with respect to {@code whole} as one tensor
     * ({@link Gradients#joinedOutputs()}), which the engine may have joined as the parts'
     * gradients arrived.
     */
    protected final Var[] outputParts(Tensor whole, Tensor... parts) {
        int[] offsets = new int[parts.length];
        int at = whole.offset();
        for (int i = 0; i < parts.length; i++) {
            Tensor p = parts[i];
            if (!p.sharesStorageWith(whole) || p.offset() != at) {
                throw new IllegalArgumentException("'" + name + "': output " + i + " (shape " + Shape.format(p.shape())
                        + ") is not the next part of the whole of shape " + Shape.format(whole.shape()));
            }
            offsets[i] = at - whole.offset();
            at += p.size();
        }
        if (at != whole.offset() + whole.size()) {
            throw new IllegalArgumentException("'" + name + "': the outputs cover " + (at - whole.offset())
                    + " of the " + whole.size() + " elements of the whole of shape " + Shape.format(whole.shape()));
        }
        Var[] out = outputs(parts);
        if (vertex != null) {
            vertex.setJoinedLayout(whole.shape(), offsets);
        }
        return out;
    }

    // ------------------------------------------------------------------ backward

    /**
     * Hands over the gradient of each input that needs one, given the gradients of the outputs
     * (see {@link Gradients} for the rules). Runs with grad mode off.
     */
    protected abstract void backward(Gradients grads);

    /**
     * The {@code i}-th saved tensor, checked to be the version that was saved (else an error
     * naming this op and what changed). Valid during backward, until the graph is freed.
     */
    protected final Tensor saved(int i) {
        if (vertex == null) {
            throw new IllegalStateException("'" + name + "' was not recorded, so it saved nothing");
        }
        return vertex.saved(i);
    }

    /** Called when the graph through this op is freed: drop anything held besides the saved tensors. */
    void released() {
    }

    /** True once backward freed this op's saved values (without retaining the graph). */
    public final boolean isReleased() {
        return vertex != null && vertex.isReleased();
    }

    /** Where this op was created (recorded only in anomaly mode), or null. */
    public final Throwable creationSite() {
        return vertex == null ? null : vertex.creationSite();
    }

    @Override
    public String toString() {
        return vertex == null ? name : vertex.toString();
    }
}
