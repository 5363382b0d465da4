package io.chainrule.autodiff;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A recorded operation: one node of the graph, with edges to the nodes that produced its inputs.
 *
 * <p><b>The op contract.</b> A primitive op is one small final subclass whose static
 * {@code apply} method computes the forward value and, when {@link #recording recording}, creates
 * the node, which {@linkplain #save saves} only what its backward needs. {@link #backward(Tensor)}
 * returns the gradient of the loss with respect to each input given the gradient with respect to
 * the output: the op's <em>local contribution</em>, never accumulated by the op itself. The
 * engine sums the contributions of every use of a value (which is all weight tying needs), and an
 * op returns {@code null} for an input that needs no gradient ({@link #needsInputGrad}) or
 * receives none. Backward must not modify the gradient it is given or its saved tensors, nor keep
 * it after it returns: once a node has run, the engine reuses the storage of the gradient buffers
 * it allocated for that node (unless a hook saw them or they were passed on as they are).
 *
 * <p><b>Order.</b> Every node has a creation number. Backward visits nodes in decreasing creation
 * number, i.e. exactly reverse execution order, so gradient sums happen in an order fixed by the
 * program, not by the graph's shape in memory; this is what makes checkpointed gradients bitwise
 * identical to stored ones.
 *
 * <p>Users may define their own primitives by subclassing; see {@code io.chainrule.autodiff.op}
 * for the built-in ones.
 */
public abstract class Node {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Tensor[] NONE = new Tensor[0];

    final long id;
    private final String name;
    /** Producer of each input, or null when that input needs no gradient. */
    final Node[] next;
    /** Which output of the producer each input is. */
    final int[] nextSlot;
    private int[][] outputShapes;
    private Tensor[] saved = NONE;
    private long savedBytes;
    private boolean released;
    private final Throwable creationSite;
    private List<Consumer<Tensor>>[] hooks;

    /** For drawing: labels of outputs that were named, and of constant inputs while tracing. */
    String[] outputLabels;
    String[] constantLabels;

    // backward state, touched only by the engine
    Tensor[] pending;
    boolean[] pendingOwned;
    boolean queued;
    /** The buffer the outputs' gradients are joined in (see {@link #joinedGradientShape}), once one arrived. */
    Tensor joinedGradient;

    /**
     * A node whose inputs are {@code inputs} (in the order backward returns their gradients).
     * Call only when {@link #recording} is true for those inputs.
     */
    protected Node(String name, Var... inputs) {
        this.id = SEQUENCE.incrementAndGet();
        this.name = name;
        this.next = new Node[inputs.length];
        this.nextSlot = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Var v = inputs[i];
            if (v.requiresGrad()) {
                next[i] = v.node;
                nextSlot[i] = v.slot;
            }
        }
        this.creationSite = Anomaly.isEnabled() ? new Throwable("'" + name + "' created here") : null;
        if (GraphDot.isTracing()) {
            constantLabels = new String[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (!inputs[i].requiresGrad()) {
                    constantLabels[i] = GraphDot.label(inputs[i].name(), inputs[i].value().shape());
                }
            }
        }
    }

    /** The creation number of the newest node so far (nodes created later have larger numbers). */
    static long newestId() {
        return SEQUENCE.get();
    }

    /** True if an op applied to these inputs must be recorded: grad mode is on and one input requires grad. */
    public static boolean recording(Var... inputs) {
        if (!GradMode.isEnabled()) {
            return false;
        }
        for (Var v : inputs) {
            if (v.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code a} or {@code b} requires grad and grad mode is on (no varargs array). */
    public static boolean recording(Var a, Var b) {
        return GradMode.isEnabled() && (a.requiresGrad() || b.requiresGrad());
    }

    /** True if {@code a} requires grad and grad mode is on. */
    public static boolean recording(Var a) {
        return GradMode.isEnabled() && a.requiresGrad();
    }

    /** The operation's name, e.g. {@code "tanh"}. */
    public final String name() {
        return name;
    }

    /** Number of inputs. */
    public final int inputCount() {
        return next.length;
    }

    /** Whether backward must produce a gradient for input {@code i}. */
    protected final boolean needsInputGrad(int i) {
        return next[i] != null;
    }

    /**
     * Keeps the value of {@code v} for backward, counted in {@link Memory} unless {@code v} is a
     * parameter: a parameter's value is held by the model whatever the graph does, so keeping a
     * reference to it costs the graph nothing (an RNN step that saves W would otherwise count W
     * once per step).
     */
    protected final void save(Var v) {
        if (v.node instanceof Leaf) {
            Tensor[] all = Arrays.copyOf(saved, saved.length + 1);
            all[saved.length] = v.value();
            saved = all;
        } else {
            save(v.value());
        }
    }

    /** Keeps tensors for backward, counted in {@link Memory}. */
    protected final void save(Tensor... tensors) {
        long bytes = 0;
        for (Tensor t : tensors) {
            bytes += 8L * t.size();
        }
        Tensor[] all = Arrays.copyOf(saved, saved.length + tensors.length);
        System.arraycopy(tensors, 0, all, saved.length, tensors.length);
        saved = all;
        savedBytes += bytes;
        Memory.add(bytes);
    }

    /** Whether one of the saved tensors lies in {@code array}. */
    final boolean savesArray(double[] array) {
        for (Tensor t : saved) {
            if (t.array() == array) {
                return true;
            }
        }
        return false;
    }

    /** The {@code i}-th saved tensor. */
    protected final Tensor saved(int i) {
        if (released) {
            throw freedError();
        }
        return saved[i];
    }

    /** The output for a single-output op: a Var whose value is {@code value} and whose creator is this node. */
    protected final Var output(Tensor value) {
        outputShapes = new int[][] {value.shape()};
        return new Var(value, this, 0);
    }

    /** The outputs of a multi-output op. */
    protected final Var[] outputs(Tensor... values) {
        outputShapes = new int[values.length][];
        Var[] out = new Var[values.length];
        for (int i = 0; i < values.length; i++) {
            outputShapes[i] = values[i].shape();
            out[i] = new Var(values[i], this, i);
        }
        return out;
    }

    final void declareOutputs(int[]... shapes) {
        outputShapes = shapes;
    }

    final int outputCount() {
        return outputShapes == null ? 0 : outputShapes.length;
    }

    final int[] outputShape(int slot) {
        return outputShapes[slot];
    }

    /**
     * Gradients with respect to the inputs given the gradient with respect to the (single) output.
     * Entries may be {@code null} for inputs that need no gradient.
     */
    protected Tensor[] backward(Tensor gradOutput) {
        throw new UnsupportedOperationException(name + " must override backward");
    }

    /**
     * Multi-output form: {@code gradOutputs[i]} is the gradient for output {@code i}, or
     * {@code null} if that output received none (a single-output node is only run when its output
     * received a gradient). The default calls {@link #backward(Tensor)}.
     */
    protected Tensor[] backward(Tensor[] gradOutputs) {
        return backward(gradOutputs[0]);
    }

    /**
     * How the engine runs this node; {@code gradOutputs[i]} is null when output i received no
     * gradient. The default computes {@link #backward(Tensor[])} and hands
     * each input gradient to the engine (a null one marks a cut, whose upstream ops the engine
     * frees after the pass unless it retains the graph). Nodes that must extend the graph during
     * backward (a checkpoint recomputing its segment) override this.
     */
    protected void run(Tensor[] gradOutputs, Backward engine) {
        Tensor[] g = backward(gradOutputs);
        if (g.length != next.length) {
            throw new IllegalStateException("backward of '" + name + "' returned " + g.length
                    + " gradients for " + next.length + " inputs");
        }
        for (int i = 0; i < next.length; i++) {
            if (next[i] != null) {
                if (g[i] != null) {
                    engine.deliver(this, i, next[i], nextSlot[i], g[i]);
                } else {
                    engine.cut(next[i]);
                }
            }
        }
    }

    /**
     * Hands the engine {@code op(a) · op(b)} (matrices) as the gradient for input {@code i}; where
     * that input's gradient already has a buffer of its own (a parameter's accumulated gradient),
     * the engine accumulates the product into it with no temporary, else it computes the product.
     * Either way the result equals delivering {@code a.matmul(ta, b, tb)}, up to the rounding of
     * one fused accumulation.
     */
    protected final void deliverProduct(Backward engine, int i, Tensor a, boolean ta, Tensor b, boolean tb) {
        if (next[i] != null) {
            engine.deliverProduct(this, i, next[i], nextSlot[i], a, ta, b, tb);
        }
    }

    /**
     * Hands the engine the gradient for input {@code i} whose every element is {@code value}, of
     * that input's shape (a sum's backward), without materializing it where it can be added in place.
     */
    protected final void deliverFilled(Backward engine, int i, double value) {
        if (next[i] != null) {
            engine.deliverFilled(this, i, next[i], nextSlot[i], value);
        }
    }

    /**
     * For a multi-output node whose outputs are slices of one tensor (a split): that tensor's
     * shape, so that the engine sums each output's gradient straight into its slice of one
     * buffer of this shape as the gradient arrives, while it is still in cache, instead of the
     * node joining the parts at the end (parts that received no gradient are zero when the node
     * runs). Null (the default) for separate outputs. A node
     * that returns a shape also implements {@link #joinedGradientPart} and, in {@link #run}, takes
     * the joined buffer with {@link #takeJoinedGradient}.
     */
    protected int[] joinedGradientShape() {
        return null;
    }

    /** The view of {@code joined} (of {@link #joinedGradientShape}) that holds output {@code slot}'s gradient. */
    protected Tensor joinedGradientPart(Tensor joined, int slot) {
        throw new UnsupportedOperationException(name + " does not join its outputs' gradients");
    }

    /**
     * The buffer holding every output's gradient in its slice (zeros where none arrived), or
     * null when no gradient arrived or the node does not join them; the node may pass it on as it
     * is. Hands the buffer over: a second call returns null.
     */
    protected final Tensor takeJoinedGradient() {
        Tensor j = joinedGradient;
        joinedGradient = null;
        return j;
    }

    /**
     * Whether a custom {@link #run} may overwrite {@code gradOutputs[slot]} to build its own input
     * gradient in place: only when the engine allocated that buffer (it sums two or more
     * contributions, or holds a product the engine computed) and no hook on this node has seen it.
     */
    protected final boolean mayOverwriteGradient(Backward engine, int slot) {
        return engine.ownsRunningGradient(slot) && !hasHooks();
    }

    /**
     * A buffer of input {@code i}'s shape where this node may write the gradient it is about to
     * deliver for that input, or null: where the engine collects that input's gradient (the
     * input's slice of a split's joined gradient, before anything else reached it). A node that
     * writes the gradient there must then {@linkplain #deliverGradient deliver} that tensor for
     * input {@code i}, and nothing else for it; a node that does not write there ignores it.
     */
    protected final Tensor gradientDestination(Backward engine, int i) {
        if (next[i] == null) {
            return null;
        }
        for (int j = 0; j < next.length; j++) {
            if (j != i && next[j] == next[i] && nextSlot[j] == nextSlot[i]) {
                return null; // another input is the same value: its gradient would be added into the one being read
            }
        }
        return engine.destination(next[i], nextSlot[i]);
    }

    /** Hands the engine {@code grad} as the gradient for input {@code i} (from a custom {@link #run}). */
    protected final void deliverGradient(Backward engine, int i, Tensor grad) {
        if (next[i] != null && grad != null) {
            engine.deliver(this, i, next[i], nextSlot[i], grad);
        }
    }

    /** Frees saved tensors and subtracts them from {@link Memory}. Idempotent. */
    protected void release() {
        if (!released) {
            released = true;
            saved = NONE;
            Memory.subtract(savedBytes);
            savedBytes = 0;
        }
    }

    /** True once backward freed this node (without retaining the graph). */
    public final boolean isReleased() {
        return released;
    }

    /** Where this node was created (only recorded in anomaly mode), or null. */
    public final Throwable creationSite() {
        return creationSite;
    }

    final IllegalStateException freedError() {
        return new IllegalStateException("the graph through '" + name + "' was already freed by an earlier backward; "
                + "call backward(seed, true) the first time to keep it for another backward"
                + (creationSite == null ? "" : " (op created at " + Anomaly.userFrame(creationSite) + ")"));
    }

    @SuppressWarnings("unchecked")
    final void addHook(int slot, Consumer<Tensor> hook) {
        if (hooks == null) {
            hooks = new List[Math.max(1, outputCount())];
        }
        if (hooks[slot] == null) {
            hooks[slot] = new ArrayList<>(1);
        }
        hooks[slot].add(hook);
    }

    final boolean hasHooks() {
        return hooks != null;
    }

    final void runHooks(int slot, Tensor grad) {
        if (hooks != null && hooks[slot] != null) {
            for (Consumer<Tensor> h : hooks[slot]) {
                h.accept(grad);
            }
        }
    }

    /** The producers of this node's inputs (null where no gradient flows), for graph drawing. */
    public final List<Node> inputs() {
        return java.util.Collections.unmodifiableList(Arrays.asList(next));
    }

    /** Describes the expected shape of output {@code slot} for error messages. */
    final String outputShapeString(int slot) {
        return Shape.format(outputShapes[slot]);
    }

    @Override
    public String toString() {
        return name + "#" + id;
    }
}
