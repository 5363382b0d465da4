package io.chainrule.autodiff;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.core.kernel.GemmKernel;
import io.chainrule.core.kernel.Kernels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The reverse pass: an iterative walk over the recorded graph in decreasing creation order.
 *
 * <p>Each node waits in a max-heap keyed by its creation number until it is popped; because a
 * node is always created after its inputs, every consumer of a value has run before the value's
 * producer is popped, so its gradient is complete. Contributions to the same value are summed by
 * the engine alone, in arrival order (which the creation order fixes). Leaves (parameters)
 * accumulate into their {@link Var#grad()} as contributions arrive. No recursion: graph depth is
 * limited only by memory.
 *
 * <p>Nodes that extend the graph during backward (checkpoints) call {@link #deliver(Var, Tensor)}
 * on the gradients of the values they recomputed; those new nodes have the largest creation
 * numbers and so are processed next.
 *
 * <p>Unless the graph is retained, every node is freed once it has run, and after the pass the
 * ops behind a cut (an input a node gave no gradient, as {@code scaleGrad(x, 0)} does), which
 * the pass never runs, are freed too: backward frees the whole graph it was called on.
 *
 * <p><b>Buffers.</b> Gradient buffers the engine made for a node (a product, a sum of
 * contributions) are kept once the node has run, unless a hook saw them or they were passed on as
 * they are, and reused for the next buffers of the same length, in this pass and later ones on the
 * same thread (at most {@link #SPARE_MAX_DOUBLES} doubles a thread). The gradients of a split's
 * parts are joined in one buffer as they arrive, kept after the pass the same way; an op may write
 * a part's gradient there itself ({@link Node#gradientDestination}), saving the copy. The rows
 * staged for weight gradients are kept the same way. Reuse changes no value: a reused buffer is
 * always overwritten before it is read.
 */
public final class Backward {
    private final PriorityQueue<Node> ready =
            new PriorityQueue<>(64, (a, b) -> Long.compare(b.id, a.id));
    private final boolean retainGraph;
    /** Nodes newer than this were created during the pass (recomputed by checkpoints). */
    private final long newestBeforePass;
    /** The node being run when anomaly mode is on (its gradients are checked), else null. */
    private Node anomalyNode;
    /** Which gradient buffers of the node being run the engine owns. */
    private boolean[] runningOwned;
    /** Producers a node gave no gradient, to free after the pass (null if none). */
    private List<Node> cuts;
    /** Weight-gradient products a parameter has received but not yet added to its gradient. */
    private final Map<Node, Staged> staged = new IdentityHashMap<>();
    /**
     * Arrays of gradient buffers the engine allocated and no longer needs, by length, kept on the
     * thread across passes for the next buffers of that length: a recurrent layer's backward then
     * cycles through two warm [B, H] buffers, as hand-written BPTT does, and the joined gradient
     * of its inputs is the same array every pass, instead of fresh (cold, zeroed) memory each time.
     */
    private static final ThreadLocal<Spare> SPARE = ThreadLocal.withInitial(Spare::new);
    /** Arrays shorter than this are not kept (a scalar's buffer costs less than keeping it). */
    static final int SPARE_MIN_LENGTH = 64;
    /** At most this many arrays of one length are kept. */
    static final int SPARE_PER_LENGTH = 4;
    /** At most this many doubles are kept on a thread, all lengths together (2^23 doubles, 64 MiB). */
    static final long SPARE_MAX_DOUBLES = 1L << 23;
    private final Spare spare = SPARE.get();

    /** One thread's kept arrays. */
    private static final class Spare {
        final Map<Integer, ArrayDeque<double[]>> byLength = new HashMap<>();
        long doubles;
    }
    /** The joined gradient buffers of this pass (see {@link Node#joinedGradientShape}), kept after it unless a hook saw them. */
    private List<double[]> joinedArrays;
    /** Arrays a hook has seen: the user may hold them, so they are not kept. */
    private Set<double[]> seenByHooks;
    /**
     * The arrays of the running node's engine-owned gradient buffers; an entry is cleared when
     * the buffer is passed on as it is (someone else now holds it), so that it is not reused.
     */
    private double[][] runningArrays;
    /** Whether some staged rows of this pass were read in place (see {@link Staged}); until then no change needs a flush. */
    private boolean readingInPlace;
    /** The gradients of the node being run (null between nodes). */
    private Tensor[] runningGrads;

    /**
     * Rows of {@code aᵀ·b} products a parameter collects before they are multiplied into its
     * gradient: one block of the gemm kernel, 8 steps of a recurrent layer with batch 32.
     */
    static final int STAGED_ROWS = 256;

    /**
     * The products {@code aᵀ·b} delivered to one parameter, their rows one under the other:
     * {@code Σ aᵢᵀ·bᵢ} is then one product with {@code k = Σ kᵢ}. Added to a gradient in place,
     * that is bitwise the same as adding the products one by one (the kernel continues one chain of
     * fused multiply-adds over p, in the order the rows arrived), but a recurrent layer's weight
     * gradient is then updated once every 8 steps instead of every step: a product with k = 32
     * reads and writes all of dW for little arithmetic.
     *
     * <p>Rows that will not change before the product is made are not copied: the kernel reads
     * them where they lie ({@link io.chainrule.core.kernel.GemmKernel#gemmGatheredRows}). Those
     * are rows of the sending node's saved values (which backward never changes) and rows of a
     * split's joined gradient (which the engine changes only by adding a later contribution, or
     * once the split has run: the staged rows are multiplied out before either).
     */
    private static final class Staged {
        final int m;
        final int n;
        final Side a;
        final Side b;
        int rows;

        Staged(int m, int n) {
            this.m = m;
            this.n = n;
            this.a = new Side(m);
            this.b = new Side(n);
        }
    }

    /** One factor's staged rows: row p is {@code source[at[p] .. at[p] + width)}. */
    private static final class Side {
        final int width;
        final int[] at = new int[STAGED_ROWS];
        /** The array the rows lie in: {@link #copies}, or an array they are read from in place. */
        double[] source;
        /** The rows copied here (a kept array, taken when first needed). */
        double[] copies;

        Side(int width) {
            this.width = width;
        }

        boolean readsInPlace(double[] array) {
            return source == array && source != copies;
        }
    }

    private Backward(boolean retainGraph) {
        this.retainGraph = retainGraph;
        this.newestBeforePass = Node.newestId();
    }

    /** Whether this pass keeps saved tensors for another backward. */
    public boolean retainsGraph() {
        return retainGraph;
    }

    /**
     * Whether {@code node} keeps its saved tensors after it has run: only when the graph is
     * retained and the node existed before this pass. Nodes a checkpoint recomputed during the
     * pass are unreachable afterwards (the next backward recomputes them again), so they are
     * always freed.
     */
    boolean keepsAfterRun(Node node) {
        return retainGraph && node.id <= newestBeforePass;
    }

    static void run(Var root, Tensor seed, boolean retainGraph) {
        Backward engine = new Backward(retainGraph);
        try (NoGrad scope = NoGrad.enter()) {
            engine.deliver(root, seed);
            engine.drain();
            engine.flushStaged();
            engine.keepJoined();
            engine.releaseCuts();
        } catch (RuntimeException | Error e) {
            engine.abandon();
            throw e;
        }
    }

    private void drain() {
        boolean anomaly = Anomaly.isEnabled();
        while (!ready.isEmpty()) {
            Node node = ready.poll();
            if (node.isReleased()) {
                throw node.freedError();
            }
            Tensor[] grads = node.pending;
            runningOwned = node.pendingOwned;
            node.pending = null;
            node.pendingOwned = null;
            node.queued = false;
            for (int s = 0; s < grads.length; s++) {
                if (grads[s] != null && node.hasHooks()) {
                    seen(grads[s]);
                    node.runHooks(s, grads[s]);
                }
            }
            for (Tensor g : grads) {
                if (g != null) {
                    flushReading(g.array()); // the node may change or pass on its gradients
                }
            }
            if (node.joinedGradient != null) {
                zeroMissingParts(node, grads);
            }
            anomalyNode = anomaly ? node : null;
            runningArrays = reusable(node, grads);
            runningGrads = grads;
            node.run(grads, this);
            runningGrads = null;
            recycle();
            if (!keepsAfterRun(node)) {
                node.release();
            }
        }
    }

    /**
     * The arrays of {@code grads} that may be reused once the node has run: buffers the engine
     * allocated (owned), each filling its whole array, that no hook has seen. Null if none.
     */
    private double[][] reusable(Node node, Tensor[] grads) {
        if (runningOwned == null || node.hasHooks()) {
            return null;
        }
        double[][] out = null;
        for (int s = 0; s < grads.length; s++) {
            Tensor g = grads[s];
            if (runningOwned[s] && g != null && g.offset() == 0 && g.size() == g.array().length) {
                if (out == null) {
                    out = new double[grads.length][];
                }
                out[s] = g.array();
            }
        }
        return out;
    }

    /** Notes that {@code grad} is now held elsewhere: if it is one of the running node's buffers, it is not reused. */
    private void escape(Tensor grad) {
        if (runningArrays != null) {
            double[] a = grad.array();
            for (int s = 0; s < runningArrays.length; s++) {
                if (runningArrays[s] == a) {
                    runningArrays[s] = null;
                }
            }
        }
    }

    /** Keeps the running node's reusable buffers for the next products. */
    private void recycle() {
        if (runningArrays != null) {
            for (double[] a : runningArrays) {
                if (a != null) {
                    keep(a);
                }
            }
            runningArrays = null;
        }
    }

    /** Keeps {@code a} for reuse, within the limits ({@link #SPARE_MIN_LENGTH}, {@link #SPARE_PER_LENGTH}, {@link #SPARE_MAX_DOUBLES}). */
    private void keep(double[] a) {
        if (a.length >= SPARE_MIN_LENGTH && spare.doubles + a.length <= SPARE_MAX_DOUBLES) {
            ArrayDeque<double[]> free = spare.byLength.computeIfAbsent(a.length, n -> new ArrayDeque<>());
            if (free.size() < SPARE_PER_LENGTH) {
                free.push(a);
                spare.doubles += a.length;
            }
        }
    }

    /** A kept array of {@code length} (its contents are left over: the caller overwrites them), or null. */
    private double[] take(int length) {
        ArrayDeque<double[]> free = spare.byLength.get(length);
        double[] a = free == null ? null : free.poll();
        if (a != null) {
            spare.doubles -= a.length;
        }
        return a;
    }

    /** Notes that a hook saw {@code grad}: its array is never kept. */
    private void seen(Tensor grad) {
        if (joinedArrays != null) {
            if (seenByHooks == null) {
                seenByHooks = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            }
            seenByHooks.add(grad.array());
        }
        escape(grad);
    }

    /** After the pass: keeps the joined buffers no hook saw (no one else holds them once every node has run). */
    private void keepJoined() {
        if (joinedArrays != null) {
            for (double[] a : joinedArrays) {
                if (seenByHooks == null || !seenByHooks.contains(a)) {
                    keep(a);
                }
            }
            joinedArrays = null;
        }
    }

    /**
     * A joined buffer may be a kept array holding an earlier pass's values: every part that
     * received a gradient was overwritten by its first contribution, and the parts that received
     * none are set to zero here, before the node runs.
     */
    private static void zeroMissingParts(Node node, Tensor[] grads) {
        for (int s = 0; s < grads.length; s++) {
            if (grads[s] == null) {
                node.joinedGradientPart(node.joinedGradient, s).fillInPlace(0.0);
            }
        }
    }

    /** {@code op(a)·op(b)} into a reused array when one of the right size is spare, else a new one. */
    private Tensor product(Tensor a, boolean ta, Tensor b, boolean tb, int m, int n) {
        double[] d = take(m * n);
        if (d == null) {
            return a.matmul(ta, b, tb);
        }
        // every element is overwritten: bitwise the values of a.matmul(ta, b, tb)
        return Tensor.wrap(d, m, n).setToMatMulInPlace(a, ta, b, tb);
    }

    /** Hands the gradient of {@code target} (a value this node recomputed, for example) to the engine. */
    public void deliver(Var target, Tensor grad) {
        if (!target.requiresGrad()) {
            return;
        }
        if (!grad.hasShape(target.value().shape())) {
            throw new IllegalArgumentException("gradient of shape " + Shape.format(grad.shape())
                    + " does not match the value's shape " + Shape.format(target.value().shape()));
        }
        accumulate(target.node, target.slot, grad);
    }

    void deliver(Node from, int input, Node to, int slot, Tensor grad) {
        if (!grad.hasShape(to.outputShape(slot))) {
            throw new IllegalStateException("backward of '" + from.name() + "' returned a gradient of shape "
                    + Shape.format(grad.shape()) + " for its input " + input + ", whose shape is "
                    + to.outputShapeString(slot));
        }
        if (anomalyNode != null) {
            Anomaly.checkBackward(from, input, grad);
        }
        accumulate(to, slot, grad);
    }

    /**
     * Delivers {@code op(a)·op(b)} (matrices) as a gradient contribution. When the target already
     * owns a gradient buffer (a parameter's accumulated gradient, or a pending gradient the engine
     * allocated), the kernel accumulates the product straight into it (one fused pass, no
     * temporary); otherwise the product is computed into a fresh buffer that the target then owns.
     * The arithmetic depends only on the order of contributions and on which buffers are owned,
     * both fixed by the graph (ownership passes through checkpoints), so the same graph gives the
     * same bits, checkpointed or not.
     */
    void deliverProduct(Node from, int input, Node to, int slot, Tensor a, boolean ta, Tensor b, boolean tb) {
        int m = ta ? a.dim(1) : a.dim(0);
        int n = tb ? b.dim(0) : b.dim(1);
        int[] shape = to.outputShape(slot);
        if (shape.length != 2 || shape[0] != m || shape[1] != n) {
            throw new IllegalStateException("backward of '" + from.name() + "' delivered a product of shape [" + m
                    + ", " + n + "] for its input " + input + ", whose shape is " + to.outputShapeString(slot));
        }
        if (anomalyNode != null || to.hasHooks()) {
            deliver(from, input, to, slot, a.matmul(ta, b, tb));
            return;
        }
        if (to instanceof Leaf) {
            Var v = ((Leaf) to).variable();
            if (ta && !tb && a.dim(0) <= STAGED_ROWS) {
                stage(from, to, a, b);
                return;
            }
            flush(to);
            if (v.grad() == null) {
                v.takeGrad(a.matmul(ta, b, tb));
            } else {
                v.grad().addMatMulInPlace(a, ta, b, tb);
            }
            return;
        }
        if (to.pending != null && to.pending[slot] != null) {
            if (to.pendingOwned[slot]) {
                flushReading(to.pending[slot].array());
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
            // the first contribution, computed straight into its slice of the joined buffer
            queue(to, slot, part.setToMatMulInPlace(a, ta, b, tb), true);
            return;
        }
        accumulate(to, slot, product(a, ta, b, tb, m, n), true);
    }

    /**
     * Delivers the gradient whose every element is {@code value} (the backward of a sum). Where
     * the target already owns a pending gradient buffer, the value is added into it in place;
     * otherwise the filled tensor is made and delivered as usual. Either way the arithmetic is
     * that of delivering {@code Tensor.full(value, shape)}.
     */
    void deliverFilled(Node from, int input, Node to, int slot, double value) {
        if (anomalyNode == null && !to.hasHooks() && !(to instanceof Leaf)
                && to.pending != null && to.pending[slot] != null && to.pendingOwned[slot]) {
            flushReading(to.pending[slot].array());
            to.pending[slot].addInPlace(value);
            return;
        }
        deliver(from, input, to, slot, Tensor.full(value, to.outputShape(slot)));
    }

    /**
     * Like {@link #deliver(Var, Tensor)} for a checkpoint handing its output gradients to the
     * recomputed graph: the buffer keeps the ownership it had at the checkpoint, so accumulation
     * continues exactly as it would have without checkpointing.
     */
    void deliverFromCheckpoint(Var target, Tensor grad, boolean owned) {
        if (target.requiresGrad()) {
            accumulate(target.node, target.slot, grad, owned);
        }
    }

    /** Whether the engine owns the gradient buffer of output {@code slot} of the node being run. */
    boolean ownsRunningGradient(int slot) {
        return runningOwned != null && runningOwned[slot];
    }

    private void accumulate(Node to, int slot, Tensor grad) {
        accumulate(to, slot, grad, false);
    }

    private void accumulate(Node to, int slot, Tensor grad, boolean owned) {
        if (to instanceof Leaf) {
            flush(to);
            if (to.hasHooks()) {
                seen(grad); // a hook may keep it
            }
            ((Leaf) to).accumulate(grad);
            return;
        }
        pendingOf(to);
        Tensor current = to.pending[slot];
        if (current == null) {
            Tensor part = joinedPart(to, slot);
            if (part != null) {
                // a copy (the same bits), unless the op wrote the gradient there (see destination)
                to.pending[slot] = grad.array() == part.array() && grad.offset() == part.offset() ? part
                        : part.assignInPlace(grad);
                to.pendingOwned[slot] = true;
            } else {
                to.pending[slot] = grad; // borrowed unless owned: copied before any in-place update
                to.pendingOwned[slot] = owned;
                escape(grad);
            }
        } else if (to.pendingOwned[slot]) {
            flushReading(current.array());
            current.addInPlace(grad);
        } else {
            to.pending[slot] = current.add(grad);
            to.pendingOwned[slot] = true;
        }
        enqueue(to);
    }

    /** Gives {@code to} its pending-gradient slots, if it has none yet. */
    private static void pendingOf(Node to) {
        if (to.pending == null) {
            to.pending = new Tensor[to.outputCount()];
            to.pendingOwned = new boolean[to.outputCount()];
        }
    }

    /** Puts {@code to} in the ready heap, once. */
    private void enqueue(Node to) {
        if (!to.queued) {
            to.queued = true;
            ready.add(to);
        }
    }

    /** Makes {@code grad} the first pending gradient of output {@code slot} of {@code to} and queues {@code to}. */
    private void queue(Node to, int slot, Tensor grad, boolean owned) {
        pendingOf(to);
        to.pending[slot] = grad;
        to.pendingOwned[slot] = owned;
        enqueue(to);
    }

    /**
     * Where a node may write the gradient it will deliver for output {@code slot} of {@code to}:
     * the slot's slice of {@code to}'s joined gradient buffer when that slot has received nothing
     * yet, else null (also when {@code to} joins nothing, has hooks, or in anomaly mode). Delivering
     * that very tensor then costs no copy; its contents are overwritten either way.
     */
    Tensor destination(Node to, int slot) {
        if (anomalyNode != null || to.hasHooks() || (to.pending != null && to.pending[slot] != null)) {
            return null;
        }
        return joinedPart(to, slot);
    }

    /**
     * The slice of {@code to}'s joined gradient buffer for output {@code slot} (taking the buffer,
     * a kept array or a new one, on the first arrival; the first contribution to each part is
     * copied over it, and the parts that receive none are zeroed before the node runs), or null
     * when {@code to} does not join its outputs.
     */
    private Tensor joinedPart(Node to, int slot) {
        int[] shape = to.joinedGradientShape();
        if (shape == null) {
            return null;
        }
        if (to.joinedGradient == null) {
            int size = Shape.size(shape);
            double[] d = take(size);
            to.joinedGradient = Tensor.wrap(d != null ? d : new double[size], shape);
            if (joinedArrays == null) {
                joinedArrays = new ArrayList<>();
            }
            joinedArrays.add(to.joinedGradient.array());
        }
        Tensor part = to.joinedGradientPart(to.joinedGradient, slot);
        if (!part.hasShape(to.outputShape(slot))) {
            throw new IllegalStateException("'" + to.name() + "' gave a joined-gradient part of shape "
                    + Shape.format(part.shape()) + " for its output " + slot + ", whose shape is "
                    + to.outputShapeString(slot));
        }
        return part;
    }

    /** Adds {@code aᵀ·b} ([k, m]ᵀ·[k, n]) from node {@code from} to the parameter's staged rows, multiplying out the staged ones first if full. */
    private void stage(Node from, Node leaf, Tensor a, Tensor b) {
        int k = a.dim(0);
        int m = a.dim(1);
        int n = b.dim(1);
        Staged st = staged.get(leaf);
        if (st != null && st.rows + k > STAGED_ROWS) {
            flush(leaf);
        }
        if (st == null) {
            st = new Staged(m, n);
            staged.put(leaf, st);
        }
        boolean inPlace = Kernels.gemm().gathersInPlace(m, n);
        stageRows(st.a, st.rows, a, k, inPlace && unchanging(from, a));
        stageRows(st.b, st.rows, b, k, inPlace && unchanging(from, b));
        st.rows += k;
    }

    /**
     * Whether {@code x} stays as it is until the staged rows are multiplied out (see
     * {@link Staged}): a value {@code from} saved, or a part of a joined gradient; never a gradient
     * of the node being run (it may write over those, and its engine-made buffers are reused).
     */
    private boolean unchanging(Node from, Tensor x) {
        double[] array = x.array();
        if (runningGrads != null) {
            for (Tensor g : runningGrads) {
                if (g != null && g.array() == array) {
                    return false;
                }
            }
        }
        if (from.savesArray(array)) {
            return true;
        }
        if (joinedArrays != null) {
            for (double[] j : joinedArrays) {
                if (j == array) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Appends the k rows of {@code x} to {@code side} from row {@code row0}: in place when they stay unchanged and lie with the rows before, else copied. */
    private void stageRows(Side side, int row0, Tensor x, int k, boolean inPlace) {
        double[] array = x.array();
        int w = side.width;
        if (inPlace && (row0 == 0 || side.readsInPlace(array))) {
            side.source = array;
            for (int r = 0; r < k; r++) {
                side.at[row0 + r] = x.offset() + r * w;
            }
            readingInPlace = true;
            return;
        }
        if (side.copies == null) {
            double[] kept = take(STAGED_ROWS * w);
            side.copies = kept != null ? kept : new double[STAGED_ROWS * w];
        }
        if (row0 > 0 && side.source != side.copies) {
            // the rows so far were read in place: copy them over first
            for (int p = 0; p < row0; p++) {
                System.arraycopy(side.source, side.at[p], side.copies, p * w, w);
                side.at[p] = p * w;
            }
        }
        side.source = side.copies;
        System.arraycopy(array, x.offset(), side.copies, row0 * w, k * w);
        for (int r = 0; r < k; r++) {
            side.at[row0 + r] = (row0 + r) * w;
        }
    }

    /** Multiplies a parameter's staged rows into its gradient (before anything else reaches it). */
    private void flush(Node leaf) {
        Staged st = staged.get(leaf);
        if (st == null || st.rows == 0) {
            return;
        }
        Var v = ((Leaf) leaf).variable();
        boolean fresh = v.grad() == null;
        double[] c = fresh ? new double[st.m * st.n] : v.grad().array();
        int cOff = fresh ? 0 : v.grad().offset();
        GemmKernel gemm = Kernels.gemm();
        if (st.a.source == st.a.copies && st.b.source == st.b.copies) {
            // all rows copied, one under the other: the plain product, which may read small factors in place
            gemm.gemm(true, false, st.m, st.n, st.rows, st.a.copies, 0, st.m, st.b.copies, 0, st.n, c, cOff, st.n, !fresh);
        } else {
            gemm.gemmGatheredRows(st.m, st.n, st.rows, st.a.source, st.a.at, st.b.source, st.b.at, c, cOff, st.n, !fresh);
        }
        if (fresh) {
            v.takeGrad(Tensor.wrap(c, st.m, st.n));
        }
        st.rows = 0;
        st.a.source = null;
        st.b.source = null;
    }

    /** Multiplies out the staged rows that are read in place from {@code array}: it is about to change. */
    private void flushReading(double[] array) {
        if (!readingInPlace) {
            return;
        }
        for (Map.Entry<Node, Staged> e : staged.entrySet()) {
            Staged st = e.getValue();
            if (st.rows > 0 && (st.a.readsInPlace(array) || st.b.readsInPlace(array))) {
                flush(e.getKey());
            }
        }
    }

    /** Multiplies out every parameter's staged rows: the end of the pass. The staging arrays are kept for the next pass. */
    private void flushStaged() {
        for (Node leaf : staged.keySet()) {
            flush(leaf);
        }
        keepStaging();
    }

    /** Keeps the staging arrays (no one else ever holds them) and forgets the staged rows. */
    private void keepStaging() {
        for (Staged st : staged.values()) {
            if (st.a.copies != null) {
                keep(st.a.copies);
            }
            if (st.b.copies != null) {
                keep(st.b.copies);
            }
        }
        staged.clear();
    }

    /** Notes that a node gave {@code producer} no gradient (a cut in the graph). */
    void cut(Node producer) {
        if (!retainGraph && !(producer instanceof Leaf)) {
            if (cuts == null) {
                cuts = new ArrayList<>();
            }
            cuts.add(producer);
        }
    }

    /**
     * Frees the ops behind the cuts that the pass never ran. Called after the pass, so a node
     * not released by then will not run; the walk stops at released nodes, whose inputs the pass
     * has handled. Iterative.
     */
    private void releaseCuts() {
        if (cuts == null) {
            return;
        }
        Deque<Node> stack = new ArrayDeque<>(cuts);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (n.isReleased() || n instanceof Leaf) {
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

    /** After a failure: forget partial gradients so the graph can be differentiated again. */
    private void abandon() {
        keepStaging();
        for (Node n : ready) {
            n.pending = null;
            n.pendingOwned = null;
            n.joinedGradient = null;
            n.queued = false;
        }
        ready.clear();
    }
}
