package io.chainrule.autodiff.engine;

import io.chainrule.core.DType;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The reverse pass: an iterative walk over the recorded graph in decreasing creation order, and
 * the sink through which the op being run hands over its input gradients.
 *
 * <p><b>The walk.</b> Each vertex waits in a max-heap keyed by its creation number until it is
 * popped; a vertex is always created after its inputs, so every consumer of a value has run before
 * the value's producer is popped, and its gradient is complete. Contributions to the same value
 * are summed by the engine alone, in arrival order (which the creation order fixes); parameters
 * accumulate into their gradient as contributions arrive. No recursion: graph depth is limited
 * only by memory. Ops that extend the graph during backward (a checkpoint recomputing its
 * segment) {@linkplain #deliverTo deliver} to the vertices they recorded, which are the newest of
 * all and so run next. Unless the graph is retained, every vertex is freed once it has run, and
 * after the pass the vertices behind a cut (an input an op gave no gradient) are freed too.
 *
 * <p><b>The sink.</b> An op's backward reads {@link #output} and hands each input's gradient over
 * with {@link #set}, {@link #addProduct} or {@link #fill}, possibly written into a buffer from
 * {@link #destination} or {@link #destinationInPlace}. Behind these, the engine decides where
 * gradients live:
 * <ul>
 *   <li><b>ownership</b>: a pending gradient is owned (the engine made it, it may add into it in
 *       place) or borrowed (an op's tensor, copied before any change); ownership depends only on
 *       the graph, never on timing, so the same graph gives the same bits, checkpointed or not;</li>
 *   <li><b>products</b> are accumulated by the kernel straight into an owned buffer, and a
 *       parameter's {@code aᵀ·b} products are {@linkplain Staging staged};</li>
 *   <li><b>joined parts</b>: the gradients of an op whose outputs are consecutive parts of one
 *       tensor (a split) are summed straight into their place in one buffer as they arrive, and an
 *       op may write a part's gradient there itself ({@link #destination});</li>
 *   <li><b>reuse</b>: buffers the engine made for a vertex are kept once it has run (unless a hook
 *       saw them or they were passed on as they are) and reused for later buffers of their
 *       length, on this thread ({@link BufferPool}).</li>
 * </ul>
 * None of these changes a value: reuse always overwrites before reading, and in-place
 * accumulation is the same addition in the same order.
 */
public final class Walk {
    private final PriorityQueue<Vertex> ready = new PriorityQueue<>(64, (a, b) -> Long.compare(b.id, a.id));
    private final boolean retainGraph;
    private final boolean anomaly;
    private final Runner runner;
    /** Vertices newer than this were created during the pass (recomputed by checkpoints). */
    private final long newestBeforePass;
    private final BufferPool pool = BufferPool.current();
    private final Staging staging = new Staging(pool);
    /** Producers an op gave no gradient, to free after the pass (null if none). */
    private List<Vertex> cuts;
    /** The joined gradient buffers of this pass the pool could take, kept after it unless a hook saw them ({@link #rememberJoined}). */
    private List<Object> joinedArrays;
    /** How many arrays of each kind and length {@link #joinedArrays} holds, and their size in doubles. */
    private Map<List<Object>, Integer> joinedCounts;
    private long joinedDoubles;
    /** Arrays a hook has seen: the user may hold them, so they are not kept. */
    private Set<Object> seenByHooks;

    // the vertex being run
    private Vertex running;
    private Tensor[] runningGrads;
    private boolean[] runningOwned;
    /**
     * The arrays of the running vertex's engine-owned gradient buffers; an entry is cleared when
     * the buffer is passed on as it is (someone else now holds it), so that it is not reused.
     */
    private Object[] runningArrays;
    /** Buffers handed to the running op by {@link #destination}: owned by whoever receives one first. */
    private Tensor[] offered = new Tensor[4];
    private int offeredCount;
    /** {@code delivered[i] == run} when input i of the running vertex received a gradient. */
    private int[] delivered = new int[8];
    private int run;

    /** The array a tensor lies in (double[] or float[]): the identity buffers are tracked by. */
    static Object storage(Tensor t) {
        return t.dtype() == DType.FLOAT32 ? t.floatArray() : t.array();
    }

    private Walk(boolean retainGraph, boolean anomaly, Runner runner) {
        this.retainGraph = retainGraph;
        this.anomaly = anomaly;
        this.runner = runner;
        this.newestBeforePass = Vertex.newestId();
    }

    /**
     * Differentiates: {@code seed} is the gradient of output {@code slot} of {@code root}. With
     * {@code retainGraph} the saved tensors are kept for another pass; {@code anomaly} checks every
     * gradient an op hands over ({@link Runner#checkGradient}).
     */
    public static void run(Vertex root, int slot, Tensor seed, boolean retainGraph, boolean anomaly, Runner runner) {
        Walk w = new Walk(retainGraph, anomaly, runner);
        try {
            w.accumulate(root, slot, seed, false);
            w.drain();
            w.staging.flushAll();
            w.keepJoined();
            w.releaseCuts();
        } catch (RuntimeException | Error e) {
            w.abandon();
            throw e;
        }
    }

    /**
     * Whether the running vertex keeps its saved tensors after it has run: only when the graph is
     * retained and it existed before this pass (vertices a checkpoint recomputed during the pass
     * are unreachable afterwards, so they are always freed).
     */
    public boolean keepsAfterRun() {
        return keepsAfterRun(running);
    }

    /** Frees the running vertex's saved tensors now (its op is done with them), unless it keeps them after it has run. */
    public void releaseRunning() {
        if (!keepsAfterRun(running)) {
            running.release(runner);
        }
    }

    private boolean keepsAfterRun(Vertex v) {
        return retainGraph && v.id <= newestBeforePass;
    }

    private void drain() {
        while (!ready.isEmpty()) {
            Vertex v = ready.poll();
            if (v.isReleased()) {
                throw v.freedError();
            }
            Tensor[] grads = v.pending;
            runningOwned = v.pendingOwned;
            v.pending = null;
            v.pendingOwned = null;
            v.queued = false;
            if (v.hasHooks()) {
                for (int s = 0; s < grads.length; s++) {
                    if (grads[s] != null) {
                        seen(grads[s]);
                        v.runHooks(s, grads[s]);
                    }
                }
            }
            for (Tensor g : grads) {
                if (g != null) {
                    staging.flushReading(storage(g)); // the op may change or pass on its gradients
                }
            }
            if (v.joined != null) {
                zeroMissingParts(v, grads);
            }
            runningArrays = reusable(v, grads);
            running = v;
            runningGrads = grads;
            offeredCount = 0;
            run++;
            if (delivered.length < v.producers.length) {
                delivered = new int[Math.max(v.producers.length, 2 * delivered.length)];
            }
            runner.backward(v, grads, this);
            noteCuts(v);
            recycle();
            running = null;
            runningGrads = null;
            if (!keepsAfterRun(v)) {
                v.release(runner);
            }
        }
    }

    // ------------------------------------------------------------------ the sink

    /** The gradient of output {@code slot} of the running op, or null if none arrived. */
    public Tensor output(int slot) {
        return runningGrads[slot];
    }

    /** Whether the engine owns the gradient buffer of output {@code slot} of the running op. */
    public boolean owns(int slot) {
        return runningOwned != null && runningOwned[slot];
    }

    /**
     * Hands over {@code grad} as the gradient of input {@code input} (null: none, a cut). The
     * engine owns it if it is a buffer {@link #destination} offered, else borrows it.
     */
    public void set(int input, Tensor grad) {
        Vertex to = running.producers[input];
        if (to == null) {
            return;
        }
        if (grad == null) {
            return;
        }
        delivered[input] = run;
        int slot = running.slots[input];
        if (!grad.hasShape(to.outputShape(slot))) {
            throw new IllegalStateException("backward of '" + running.name() + "' returned a gradient of shape "
                    + Shape.format(grad.shape()) + " for its input " + input + ", whose shape is "
                    + Shape.format(to.outputShape(slot)));
        }
        DType want = to.outputDType(slot);
        if (grad.dtype() != want) {
            if (grad.rank() != 0) {
                throw new IllegalStateException("backward of '" + running.name() + "' returned a " + grad.dtype()
                        + " gradient for its " + want + " input " + input + " of shape " + Shape.format(grad.shape()));
            }
            grad = grad.cast(want); // a scalar took the other operand's dtype in forward; its gradient comes back
        }
        if (anomaly) {
            runner.checkGradient(running, input, grad);
        }
        accumulate(to, slot, grad, takeOffered(grad));
    }

    /**
     * Hands over {@code op(a) · op(b)} (matrices) as the gradient of input {@code input}. Where
     * that gradient already has an owned buffer (a parameter's accumulated gradient, a pending
     * gradient the engine made), the kernel accumulates the product straight into it (one fused
     * pass, no temporary); a parameter's {@code aᵀ·b} is staged; otherwise the product is computed
     * into a buffer the engine then owns.
     */
    public void addProduct(int input, Tensor a, boolean ta, Tensor b, boolean tb) {
        Vertex to = running.producers[input];
        if (to == null) {
            return;
        }
        int slot = running.slots[input];
        if (a.rank() != 2 || b.rank() != 2 || (ta ? a.dim(0) : a.dim(1)) != (tb ? b.dim(1) : b.dim(0))) {
            throw new IllegalStateException("backward of '" + running.name() + "' handed over a product of shapes "
                    + Shape.format(a.shape()) + (ta ? "ᵀ" : "") + " and " + Shape.format(b.shape()) + (tb ? "ᵀ" : "")
                    + " for its input " + input + ", which do not multiply");
        }
        int m = ta ? a.dim(1) : a.dim(0);
        int n = tb ? b.dim(0) : b.dim(1);
        int[] shape = to.outputShape(slot);
        if (shape.length != 2 || shape[0] != m || shape[1] != n) {
            throw new IllegalStateException("backward of '" + running.name() + "' handed over a product of shape [" + m
                    + ", " + n + "] for its input " + input + ", whose shape is " + Shape.format(shape));
        }
        if (anomaly || to.hasHooks()) {
            set(input, a.matmul(ta, b, tb));
            return;
        }
        delivered[input] = run;
        if (to.leaf) {
            if (Staging.stageable(ta, tb, a.dim(0)) && a.dtype() == b.dtype() && a.dtype() == to.outputDType(slot)) {
                boolean inPlace = Staging.gathersInPlace(m, n);
                staging.stage(to, a, b, inPlace && unchanging(a), inPlace && unchanging(b));
                return;
            }
            staging.flush(to);
            if (to.grad() == null) {
                to.setGrad(a.matmul(ta, b, tb));
            } else {
                to.grad().addMatMulInPlace(a, ta, b, tb);
            }
            return;
        }
        if (to.pending != null && to.pending[slot] != null) {
            if (to.pendingOwned[slot]) {
                staging.flushReading(storage(to.pending[slot]));
                to.pending[slot].addMatMulInPlace(a, ta, b, tb);
            } else {
                // a fresh product, then the borrowed contribution added into it (addition commutes)
                to.pending[slot] = product(a, ta, b, tb, m, n).addInPlace(to.pending[slot]);
                to.pendingOwned[slot] = true;
            }
            return;
        }
        Tensor part = joinedPart(to, slot);
        if (part != null) {
            // the first contribution, computed straight into its place in the joined buffer
            queue(to, slot, part.setToMatMulInPlace(a, ta, b, tb), true);
            return;
        }
        accumulate(to, slot, product(a, ta, b, tb, m, n), true);
    }

    /**
     * Hands over the gradient of input {@code input} whose every element is {@code value} (a
     * sum's backward). Where that gradient has an owned buffer, the value is added in place;
     * otherwise the filled tensor is made and handed over as usual. The arithmetic is that of
     * handing over {@code Tensor.full(value, shape)} either way.
     */
    public void fill(int input, double value) {
        Vertex to = running.producers[input];
        if (to == null) {
            return;
        }
        int slot = running.slots[input];
        if (!anomaly && !to.hasHooks() && !to.leaf && to.pending != null && to.pending[slot] != null
                && to.pendingOwned[slot]) {
            delivered[input] = run;
            staging.flushReading(storage(to.pending[slot]));
            to.pending[slot].addInPlace(value);
            return;
        }
        set(input, Tensor.full(to.outputDType(slot), value, to.outputShape(slot)));
    }

    /**
     * A buffer of input {@code input}'s shape (contents undefined) where the running op may write
     * that input's gradient, then {@link #set} it: where the engine collects that gradient when it
     * can (a part of a split's joined buffer that nothing reached yet: no copy at all), else a
     * reused or new buffer that the engine owns once set.
     */
    public Tensor destination(int input) {
        Vertex to = running.producers[input];
        if (to == null) {
            throw new IllegalStateException("input " + input + " of '" + running.name() + "' needs no gradient");
        }
        int slot = running.slots[input];
        if (!sameValueAsAnotherInput(input)) {
            Tensor part = collectingPart(to, slot);
            if (part != null) {
                return part;
            }
        }
        return fresh(to.outputShape(slot), to.outputDType(slot));
    }

    /**
     * Like {@link #destination}, for an op that computes input {@code input}'s gradient element by
     * element from the same element of its (single) output's gradient: the buffer may also be
     * that output gradient itself, when the engine owns it and no hook saw it.
     */
    public Tensor destinationInPlace(int input) {
        Vertex to = running.producers[input];
        if (to == null) {
            throw new IllegalStateException("input " + input + " of '" + running.name() + "' needs no gradient");
        }
        int slot = running.slots[input];
        if (!sameValueAsAnotherInput(input)) {
            Tensor part = collectingPart(to, slot);
            if (part != null) {
                return part;
            }
        }
        Tensor g = runningGrads[0];
        if (g != null && g.hasShape(to.outputShape(slot)) && g.dtype() == to.outputDType(slot) && owns(0)
                && !running.hasHooks()) {
            return g;
        }
        return fresh(to.outputShape(slot), to.outputDType(slot));
    }

    /**
     * A buffer of the (single) output gradient's shape that the running op may overwrite element
     * by element: the output gradient itself when the engine owns it and no hook saw it, else a
     * reused or new buffer (contents undefined).
     */
    public Tensor overwritableOutput() {
        Tensor g = runningGrads[0];
        if (owns(0) && !running.hasHooks()) {
            return g;
        }
        return fresh(g.shape(), g.dtype());
    }

    /**
     * For an op whose outputs are consecutive parts of one tensor ({@link Vertex#setJoinedLayout}):
     * the gradient with respect to that tensor, each output's gradient in its place and zeros
     * where none arrived. Often already joined as the gradients arrived (then no copy at all).
     */
    public Tensor joinedOutputs() {
        Vertex v = running;
        if (v.joinedShape == null) {
            throw new IllegalStateException("'" + v.name() + "' did not declare its outputs as parts of one tensor");
        }
        Tensor j = v.joined;
        v.joined = null;
        if (j != null) {
            return j;
        }
        Tensor out = Tensor.zeros(v.outputDType(0), v.joinedShape);
        for (int s = 0; s < runningGrads.length; s++) {
            if (runningGrads[s] != null) {
                part(v, out, s).assignInPlace(runningGrads[s]);
            }
        }
        return out;
    }

    /**
     * Hands {@code grad} to output {@code slot} of {@code target} (a vertex an op recorded during
     * backward, such as a checkpoint's recomputed segment) with the ownership it had: accumulation
     * then continues exactly as it would have without checkpointing.
     */
    public void deliverTo(Vertex target, int slot, Tensor grad, boolean owned) {
        if (!grad.hasShape(target.outputShape(slot))) {
            throw new IllegalArgumentException("gradient of shape " + Shape.format(grad.shape())
                    + " does not match the value's shape " + Shape.format(target.outputShape(slot)));
        }
        accumulate(target, slot, grad, owned);
    }

    // ------------------------------------------------------------------ accumulation

    private void accumulate(Vertex to, int slot, Tensor grad, boolean owned) {
        if (to.leaf) {
            staging.flush(to);
            if (to.hasHooks()) {
                seen(grad); // a hook may keep it
            }
            to.accumulate(grad);
            return;
        }
        pendingOf(to);
        Tensor current = to.pending[slot];
        if (current == null) {
            Tensor part = joinedPart(to, slot);
            if (part != null) {
                // a copy (the same bits), unless the op wrote the gradient there (see destination)
                to.pending[slot] = storage(grad) == storage(part) && grad.offset() == part.offset() ? part
                        : part.assignInPlace(grad);
                to.pendingOwned[slot] = true;
            } else {
                to.pending[slot] = grad; // borrowed unless owned: copied before any in-place update
                to.pendingOwned[slot] = owned;
                escape(grad); // held by to now: not reused when the running op is done
            }
        } else if (to.pendingOwned[slot]) {
            staging.flushReading(storage(current));
            current.addInPlace(grad);
        } else {
            to.pending[slot] = current.add(grad);
            to.pendingOwned[slot] = true;
        }
        enqueue(to);
    }

    private static void pendingOf(Vertex to) {
        if (to.pending == null) {
            to.pending = new Tensor[to.outputCount()];
            to.pendingOwned = new boolean[to.outputCount()];
        }
    }

    private void enqueue(Vertex to) {
        if (!to.queued) {
            to.queued = true;
            ready.add(to);
        }
    }

    /** Makes {@code grad} the first pending gradient of output {@code slot} of {@code to} and queues {@code to}. */
    private void queue(Vertex to, int slot, Tensor grad, boolean owned) {
        pendingOf(to);
        to.pending[slot] = grad;
        to.pendingOwned[slot] = owned;
        enqueue(to);
    }

    /** {@code op(a)·op(b)} into a reused array when one of the right size is kept, else a new one. */
    private Tensor product(Tensor a, boolean ta, Tensor b, boolean tb, int m, int n) {
        // every element is overwritten: bitwise the values of a.matmul(ta, b, tb)
        return pool.tensor(a.dtype(), new int[] {m, n}).setToMatMulInPlace(a, ta, b, tb);
    }

    /** Whether another input of the running op is the same value as input {@code i} (then its gradient must not be written where {@code i}'s is collected). */
    private boolean sameValueAsAnotherInput(int i) {
        Vertex[] p = running.producers;
        int[] s = running.slots;
        for (int j = 0; j < p.length; j++) {
            if (j != i && p[j] == p[i] && s[j] == s[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where output {@code slot} of {@code to} collects its gradient, if an op may write the first
     * contribution there: its part of a joined buffer when nothing reached it yet (not in anomaly
     * mode, not under a hook); else null.
     */
    private Tensor collectingPart(Vertex to, int slot) {
        if (anomaly || to.hasHooks() || (to.pending != null && to.pending[slot] != null)) {
            return null;
        }
        return joinedPart(to, slot);
    }

    /**
     * The part of {@code to}'s joined buffer for output {@code slot} (taking the buffer, a kept
     * array or a new one, at the first arrival; the first contribution to each part is written
     * over it and the parts that receive none are zeroed before {@code to} runs), or null when
     * {@code to} does not join its outputs.
     */
    private Tensor joinedPart(Vertex to, int slot) {
        int[] shape = to.joinedShape;
        if (shape == null) {
            return null;
        }
        if (to.joined == null) {
            to.joined = pool.tensor(to.outputDType(0), shape);
            rememberJoined(storage(to.joined));
        }
        return part(to, to.joined, slot);
    }

    /**
     * Remembers a joined buffer's array, to be kept for reuse after the pass ({@link #keepJoined}),
     * only while the pool could still take it: at most {@link BufferPool#PER_LENGTH} arrays of a
     * length and kind and {@link BufferPool#MAX_DOUBLES} in all, none shorter than
     * {@link BufferPool#MIN_LENGTH}. The rest are left to the garbage collector once used: a pass
     * with many joined buffers (a long sequence unrolled in chunks, each chunk's input projection
     * split per step) would otherwise hold every one of them until it ends, its memory growing with
     * the sequence however few activations a checkpoint schedule keeps.
     */
    private void rememberJoined(Object array) {
        int length = array instanceof double[] d ? d.length : ((float[]) array).length;
        long cost = array instanceof double[] ? length : (length + 1) / 2;
        if (length < BufferPool.MIN_LENGTH || joinedDoubles + cost > BufferPool.MAX_DOUBLES) {
            return;
        }
        if (joinedArrays == null) {
            joinedArrays = new ArrayList<>();
            joinedCounts = new HashMap<>();
        }
        List<Object> kind = List.of(array.getClass(), length);
        int count = joinedCounts.getOrDefault(kind, 0);
        if (count < BufferPool.PER_LENGTH) {
            joinedCounts.put(kind, count + 1);
            joinedDoubles += cost;
            joinedArrays.add(array);
        }
    }

    /** The view of a joined buffer holding output {@code slot}'s gradient. */
    private static Tensor part(Vertex v, Tensor joined, int slot) {
        int[] s = v.outputShape(slot);
        int at = v.partOffsets[slot];
        return joined.reshape(joined.size()).slice(0, at, at + Shape.size(s)).reshape(s);
    }

    /**
     * A joined buffer may be a kept array holding an earlier pass's values: every part that
     * received a gradient was overwritten by its first contribution; the parts that received none
     * are zeroed here, before the op runs.
     */
    private static void zeroMissingParts(Vertex v, Tensor[] grads) {
        for (int s = 0; s < grads.length; s++) {
            if (grads[s] == null) {
                part(v, v.joined, s).fillInPlace(0.0);
            }
        }
    }

    // ------------------------------------------------------------------ buffers

    /** A buffer of {@code shape} and {@code dtype} from the pool or new, offered to the running op: owned by whoever receives it. */
    private Tensor fresh(int[] shape, DType dtype) {
        Tensor t = pool.tensor(dtype, shape);
        if (offeredCount == offered.length) {
            offered = Arrays.copyOf(offered, 2 * offered.length);
        }
        offered[offeredCount++] = t;
        return t;
    }

    /** Whether {@code grad} is a buffer offered to the running op; if so it is taken (a second use is borrowed). */
    private boolean takeOffered(Tensor grad) {
        for (int i = 0; i < offeredCount; i++) {
            if (offered[i] == grad) {
                offered[i] = offered[--offeredCount];
                offered[offeredCount] = null;
                return true;
            }
        }
        return false;
    }

    /**
     * The arrays of {@code grads} that may be reused once the vertex has run: buffers the engine
     * allocated (owned), each filling its whole array, that no hook has seen. Null if none. Not
     * the vertex's joined buffer, even when one part fills it (a split into one part):
     * {@link #keepJoined} keeps that one after the pass, and an array kept twice would be handed
     * out as two buffers.
     */
    private Object[] reusable(Vertex v, Tensor[] grads) {
        if (runningOwned == null || v.hasHooks()) {
            return null;
        }
        Object joinedArray = v.joined == null ? null : storage(v.joined);
        Object[] out = null;
        for (int s = 0; s < grads.length; s++) {
            Tensor g = grads[s];
            if (runningOwned[s] && g != null && g.offset() == 0 && g.size() == length(storage(g))
                    && storage(g) != joinedArray) {
                if (out == null) {
                    out = new Object[grads.length];
                }
                out[s] = storage(g);
            }
        }
        return out;
    }

    private static int length(Object array) {
        return array instanceof float[] ? ((float[]) array).length : ((double[]) array).length;
    }

    /** Notes that {@code grad} is now held elsewhere: a buffer of the running op that shares its array is not reused. */
    private void escape(Tensor grad) {
        Object a = storage(grad);
        if (runningArrays != null) {
            for (int s = 0; s < runningArrays.length; s++) {
                if (runningArrays[s] == a) {
                    runningArrays[s] = null;
                }
            }
        }
        for (int i = 0; i < offeredCount; i++) {
            if (storage(offered[i]) == a) {
                offered[i] = offered[--offeredCount];
                offered[offeredCount] = null;
                i--;
            }
        }
    }

    /** After an op ran: keeps its reusable gradient buffers and the offered buffers nobody received. */
    private void recycle() {
        if (runningArrays != null) {
            for (Object a : runningArrays) {
                if (a != null) {
                    pool.keepArray(a);
                }
            }
            runningArrays = null;
        }
        for (int i = 0; i < offeredCount; i++) {
            pool.keepArray(storage(offered[i]));
            offered[i] = null;
        }
        offeredCount = 0;
    }

    /** Notes that a hook saw {@code grad}: its array is never kept. */
    private void seen(Tensor grad) {
        if (joinedArrays != null) {
            if (seenByHooks == null) {
                seenByHooks = Collections.newSetFromMap(new IdentityHashMap<>());
            }
            seenByHooks.add(storage(grad));
        }
        escape(grad);
    }

    /** After the pass: keeps the joined buffers no hook saw (no one else holds them once every op has run). */
    private void keepJoined() {
        if (joinedArrays != null) {
            for (Object a : joinedArrays) {
                if (seenByHooks == null || !seenByHooks.contains(a)) {
                    pool.keepArray(a);
                }
            }
            joinedArrays = null;
        }
    }

    /**
     * Whether {@code x} stays as it is until staged rows are multiplied out (see {@link Staging}):
     * a value the running op saved, or a part of a joined gradient; never a gradient of the running
     * op (it may write over those, and the engine reuses its buffers).
     */
    private boolean unchanging(Tensor x) {
        Object array = storage(x);
        if (runningGrads != null) {
            for (Tensor g : runningGrads) {
                if (g != null && storage(g) == array) {
                    return false;
                }
            }
        }
        for (int i = 0; i < offeredCount; i++) {
            if (storage(offered[i]) == array) {
                return false;
            }
        }
        return unchangingArray(array);
    }

    private boolean unchangingArray(Object array) {
        if (running.savesArray(array)) {
            return true;
        }
        if (joinedArrays != null) {
            for (Object j : joinedArrays) {
                if (j == array) {
                    return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ cuts and failures

    /** The inputs of {@code v} that need a gradient but received none are cuts in the graph. */
    private void noteCuts(Vertex v) {
        if (retainGraph) {
            return;
        }
        Vertex[] p = v.producers;
        for (int i = 0; i < p.length; i++) {
            if (p[i] != null && delivered[i] != run && !p[i].leaf) {
                if (cuts == null) {
                    cuts = new ArrayList<>();
                }
                cuts.add(p[i]);
            }
        }
    }

    /**
     * Frees the vertices behind the cuts that the pass never ran. Called after the pass, so a
     * vertex not freed by then will not run; the walk stops at freed vertices, whose inputs the
     * pass has handled. Iterative.
     */
    private void releaseCuts() {
        if (cuts == null) {
            return;
        }
        Deque<Vertex> stack = new ArrayDeque<>(cuts);
        while (!stack.isEmpty()) {
            Vertex n = stack.pop();
            if (n.isReleased() || n.leaf) {
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

    /** After a failure: forget partial gradients so the graph can be differentiated again. */
    private void abandon() {
        staging.forget();
        for (Vertex n : ready) {
            n.pending = null;
            n.pendingOwned = null;
            n.joined = null;
            n.queued = false;
        }
        ready.clear();
    }
}
