package io.chainrule.autodiff.engine;

import io.chainrule.core.DType;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One recorded application of an op (or a parameter, a leaf): what the engine needs to walk the
 * graph backwards. The op that made it ({@link #owner()}) is opaque to the engine; the
 * {@link Runner} the API hands to {@link Walk#run} knows how to run it.
 *
 * <p>Holds the edges to the producers of the inputs, the output shapes, the tensors the op saved
 * for backward with the {@linkplain Tensor#version() version} each had when saved, the hooks on
 * its outputs, and the engine's bookkeeping while a backward pass is under way (pending output
 * gradients, the joined buffer of an op whose outputs are parts of one tensor). Only the engine
 * and the API's recording code touch it.
 *
 * <p><b>Order.</b> Every vertex has a creation number; backward visits vertices in decreasing
 * creation number, i.e. exactly reverse execution order, so gradient sums happen in an order fixed
 * by the program, not by the graph's shape in memory: this is what makes checkpointed gradients
 * bitwise identical to stored ones.
 */
public final class Vertex {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Tensor[] NONE = new Tensor[0];
    /** The role ({@link #save}) of a saved tensor that is neither an input nor an output. */
    public static final int OTHER = Integer.MIN_VALUE;

    final long id;
    private final String name;
    /** The op (or, for a leaf, the parameter) this vertex records. */
    private final Object owner;
    final boolean leaf;
    /** Producer of each input, or null where that input needs no gradient. */
    final Vertex[] producers;
    /** Which output of its producer each input is. */
    final int[] slots;
    private int[][] outputShapes;
    private DType[] outputDTypes;
    private final Throwable creationSite;
    private List<Consumer<Tensor>>[] hooks;

    // what backward needs, with each tensor's version when saved (see Tensor.version)
    private Tensor[] saved = NONE;
    private int[] stamps;
    /** Input index (>= 0), -1 - output index, or OTHER, for each saved tensor (for the error message). */
    private int[] roles;
    private long savedBytes;
    private Account account;
    private boolean released;

    /** For an op whose outputs are consecutive parts of one tensor: that tensor's shape, else null. */
    int[] joinedShape;
    /** Where each output's elements start in the joined tensor. */
    int[] partOffsets;

    /** For drawing: labels of named outputs, and of constant inputs while tracing. */
    private String[] outputLabels;
    private String[] constantLabels;

    /** For a leaf: the gradient accumulated so far, or null. */
    private Tensor grad;

    // the engine's bookkeeping during a pass
    Tensor[] pending;
    boolean[] pendingOwned;
    boolean queued;
    /** The buffer the outputs' gradients are joined in, once one arrived (see {@link #joinedShape}). */
    Tensor joined;

    private Vertex(String name, Object owner, boolean leaf, Vertex[] producers, int[] slots, Throwable creationSite) {
        this.id = SEQUENCE.incrementAndGet();
        this.name = name;
        this.owner = owner;
        this.leaf = leaf;
        this.producers = producers;
        this.slots = slots;
        this.creationSite = creationSite;
    }

    /**
     * The record of an op applied to inputs whose producers are {@code producers} (null where an
     * input needs no gradient) and output slots {@code slots}.
     *
     * @param creationSite where the op was created (anomaly mode), or null
     */
    public static Vertex op(String name, Object owner, Vertex[] producers, int[] slots, Throwable creationSite) {
        return new Vertex(name, owner, false, producers, slots, creationSite);
    }

    /** The record of a parameter of this shape and dtype: gradients delivered to it accumulate in {@link #grad()}. */
    public static Vertex leaf(Object owner, int[] shape, DType dtype) {
        Vertex v = new Vertex("param", owner, true, new Vertex[0], new int[0], null);
        v.outputShapes = new int[][] {shape.clone()};
        v.outputDTypes = new DType[] {dtype};
        return v;
    }

    /** The creation number of the newest vertex so far (vertices created later have larger numbers). */
    public static long newestId() {
        return SEQUENCE.get();
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public Object owner() {
        return owner;
    }

    public boolean isLeaf() {
        return leaf;
    }

    public int inputCount() {
        return producers.length;
    }

    /** The producer of input {@code i}, or null when no gradient flows to it. */
    public Vertex producer(int i) {
        return producers[i];
    }

    /** Which output of {@link #producer(int)} input {@code i} is. */
    public int producerSlot(int i) {
        return slots[i];
    }

    public Throwable creationSite() {
        return creationSite;
    }

    // ------------------------------------------------------------------ outputs

    /** The outputs' shapes and dtypes. */
    public void setOutputs(int[][] shapes, DType[] dtypes) {
        this.outputShapes = shapes;
        this.outputDTypes = dtypes;
    }

    public int outputCount() {
        return outputShapes == null ? 0 : outputShapes.length;
    }

    public int[] outputShape(int slot) {
        return outputShapes[slot];
    }

    public DType outputDType(int slot) {
        return outputDTypes[slot];
    }

    /**
     * Declares that the outputs are consecutive parts of one tensor of {@code shape}, output s
     * starting at element {@code offsets[s]}: the engine may then sum each output's gradient
     * straight into its place in one buffer of that shape as it arrives.
     */
    public void setJoinedLayout(int[] shape, int[] offsets) {
        this.joinedShape = shape;
        this.partOffsets = offsets;
    }

    public String outputLabel(int slot) {
        return outputLabels == null || slot >= outputLabels.length ? null : outputLabels[slot];
    }

    public void setOutputLabel(int slot, String label) {
        if (outputLabels == null) {
            outputLabels = new String[Math.max(1, outputCount())];
        }
        outputLabels[slot] = label;
    }

    public String constantLabel(int input) {
        return constantLabels == null ? null : constantLabels[input];
    }

    public void setConstantLabels(String[] labels) {
        this.constantLabels = labels;
    }

    // ------------------------------------------------------------------ saved tensors

    /**
     * Keeps {@code t} for backward with its current version; {@code role} is the input index
     * ({@code >= 0}), {@code -1 - output index}, or {@link #OTHER}; {@code counted}
     * adds its bytes to the thread's {@link Account}. The storage is {@linkplain Tensor#pin()
     * pinned}: nothing may decide to write over it now that the graph holds it.
     */
    public void save(Tensor t, int role, boolean counted) {
        int i = saved.length;
        saved = Arrays.copyOf(saved, i + 1);
        saved[i] = t;
        stamps = stamps == null ? new int[1] : Arrays.copyOf(stamps, i + 1);
        stamps[i] = t.version();
        roles = roles == null ? new int[1] : Arrays.copyOf(roles, i + 1);
        roles[i] = role;
        t.pin();
        if (counted) {
            long bytes = (long) t.dtype().bytes() * t.size();
            if (account == null) {
                account = Account.current();
            }
            savedBytes += bytes;
            account.add(bytes);
        }
    }

    /** Marks the saved tensors identical to {@code value} as output {@code slot} (for the error message). */
    public void markSavedOutput(Tensor value, int slot) {
        for (int i = 0; i < saved.length; i++) {
            if (saved[i] == value) {
                roles[i] = -1 - slot;
            }
        }
    }

    /**
     * The {@code i}-th saved tensor, after checking that it is still the version that was saved:
     * a change in between (an in-place write, an optimizer step) is an error naming the op, which
     * of its inputs or outputs changed, and both versions.
     */
    public Tensor saved(int i) {
        if (released) {
            throw freedError();
        }
        Tensor t = saved[i];
        int now = t.version();
        if (now != stamps[i]) {
            throw modifiedError(i, now);
        }
        return t;
    }

    /** Whether one of the saved tensors lies in {@code array} (a double[] or float[]). */
    boolean savesArray(Object array) {
        for (Tensor t : saved) {
            if (Walk.storage(t) == array) {
                return true;
            }
        }
        return false;
    }

    private IllegalStateException modifiedError(int i, int now) {
        Tensor t = saved[i];
        int role = roles[i];
        String what = role >= 0 ? "its input " + role : role == OTHER ? "a tensor it saved" : "its output " + (-1 - role);
        return new IllegalStateException("one of the values needed for backward was modified by an in-place "
                + "operation: " + what + " of '" + name + "' (shape " + Shape.format(t.shape()) + ") was saved at version "
                + stamps[i] + " and is now at version " + now + ". Hint: the value changed after the op was "
                + "recorded (a method ending in InPlace, an optimizer step, Tensor.markWritten); compute the loss "
                + "again after the change, or change a copy (Tensor.copy())"
                + (creationSite == null ? "; enable Anomaly mode to see where the op was created"
                        : "; the op was created at " + Frames.user(creationSite)));
    }

    /** The error for a second backward through a freed graph. */
    public IllegalStateException freedError() {
        return new IllegalStateException("the graph through '" + name + "' was already freed by an earlier backward; "
                + "call backward(seed, true) the first time to keep it for another backward"
                + (creationSite == null ? "" : " (op created at " + Frames.user(creationSite) + ")"));
    }

    /** Frees the saved tensors and takes their bytes off the account. Idempotent; a leaf is never freed. */
    void release(Runner runner) {
        if (!released && !leaf) {
            released = true;
            saved = NONE;
            stamps = null;
            roles = null;
            if (account != null) {
                account.subtract(savedBytes);
            }
            savedBytes = 0;
            if (runner != null) {
                runner.released(this);
            }
        }
    }

    /** True once backward freed this vertex (without retaining the graph). */
    public boolean isReleased() {
        return released;
    }

    /**
     * Frees the saved tensors of every vertex {@code root} depends on, without differentiating (a
     * graph built but not needed). Iterative; leaves are untouched.
     */
    public static void releaseAll(Vertex root, Runner runner) {
        java.util.Deque<Vertex> stack = new java.util.ArrayDeque<>();
        java.util.Set<Vertex> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        stack.push(root);
        while (!stack.isEmpty()) {
            Vertex n = stack.pop();
            if (!seen.add(n)) {
                continue;
            }
            n.release(runner);
            for (Vertex m : n.producers) {
                if (m != null) {
                    stack.push(m);
                }
            }
        }
    }

    // ------------------------------------------------------------------ hooks

    @SuppressWarnings("unchecked")
    public void addHook(int slot, Consumer<Tensor> hook) {
        if (hooks == null) {
            hooks = new List[Math.max(1, outputCount())];
        }
        if (hooks[slot] == null) {
            hooks[slot] = new ArrayList<>(1);
        }
        hooks[slot].add(hook);
    }

    boolean hasHooks() {
        return hooks != null;
    }

    void runHooks(int slot, Tensor g) {
        if (hooks != null && hooks[slot] != null) {
            for (Consumer<Tensor> h : hooks[slot]) {
                h.accept(g);
            }
        }
    }

    // ------------------------------------------------------------------ a leaf's gradient

    /** A leaf's accumulated gradient, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces a leaf's gradient (no copy). */
    public void setGrad(Tensor g) {
        grad = g;
    }

    /** Adds a contribution to a leaf's gradient (hooks see it first); the first one is copied. */
    void accumulate(Tensor g) {
        runHooks(0, g);
        if (grad == null) {
            grad = g.copy();
        } else {
            grad.addInPlace(g);
        }
    }

    @Override
    public String toString() {
        return name + "#" + id;
    }
}
