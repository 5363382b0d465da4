package io.chainrule.autodiff;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

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
     * Rows of {@code aᵀ·b} products a parameter collects before they are multiplied into its
     * gradient: one block of the gemm kernel, 8 steps of a recurrent layer with batch 32.
     */
    static final int STAGED_ROWS = 256;

    /**
     * The products {@code aᵀ·b} delivered to one parameter, their rows copied one under the
     * other: {@code Σ aᵢᵀ·bᵢ} is then one product with {@code k = Σ kᵢ}. Added to a gradient in
     * place, that is bitwise the same as adding the products one by one (the kernel continues one
     * chain of fused multiply-adds over p, in the order the rows arrived), but a recurrent layer's
     * weight gradient is then updated once every 8 steps instead of every step: a product with k = 32
     * reads and writes all of dW for little arithmetic.
     */
    private static final class Staged {
        final int m;
        final int n;
        final double[] a;
        final double[] b;
        int rows;

        Staged(int m, int n) {
            this.m = m;
            this.n = n;
            this.a = new double[STAGED_ROWS * m];
            this.b = new double[STAGED_ROWS * n];
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
                if (grads[s] != null) {
                    node.runHooks(s, grads[s]);
                }
            }
            anomalyNode = anomaly ? node : null;
            node.run(grads, this);
            if (!keepsAfterRun(node)) {
                node.release();
            }
        }
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
                stage(to, a, b);
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
                to.pending[slot].addMatMulInPlace(a, ta, b, tb);
            } else {
                // a fresh product, then the borrowed contribution added into it (addition commutes)
                to.pending[slot] = a.matmul(ta, b, tb).addInPlace(to.pending[slot]);
                to.pendingOwned[slot] = true;
            }
            return;
        }
        accumulate(to, slot, a.matmul(ta, b, tb), true);
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
            ((Leaf) to).accumulate(grad);
            return;
        }
        if (to.pending == null) {
            to.pending = new Tensor[to.outputCount()];
            to.pendingOwned = new boolean[to.outputCount()];
        }
        Tensor current = to.pending[slot];
        if (current == null) {
            to.pending[slot] = grad; // borrowed unless owned: copied before any in-place update
            to.pendingOwned[slot] = owned;
        } else if (to.pendingOwned[slot]) {
            current.addInPlace(grad);
        } else {
            to.pending[slot] = current.add(grad);
            to.pendingOwned[slot] = true;
        }
        if (!to.queued) {
            to.queued = true;
            ready.add(to);
        }
    }

    /** Adds {@code aᵀ·b} ([k, m]ᵀ·[k, n]) to the parameter's staged rows, multiplying out the staged ones first if full. */
    private void stage(Node leaf, Tensor a, Tensor b) {
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
        System.arraycopy(a.array(), a.offset(), st.a, st.rows * m, k * m);
        System.arraycopy(b.array(), b.offset(), st.b, st.rows * n, k * n);
        st.rows += k;
    }

    /** Multiplies a parameter's staged rows into its gradient (before anything else reaches it). */
    private void flush(Node leaf) {
        Staged st = staged.get(leaf);
        if (st == null || st.rows == 0) {
            return;
        }
        Tensor a = Tensor.wrap(st.a, STAGED_ROWS, st.m).slice(0, 0, st.rows);
        Tensor b = Tensor.wrap(st.b, STAGED_ROWS, st.n).slice(0, 0, st.rows);
        Var v = ((Leaf) leaf).variable();
        if (v.grad() == null) {
            v.takeGrad(a.matmul(true, b, false));
        } else {
            v.grad().addMatMulInPlace(a, true, b, false);
        }
        st.rows = 0;
    }

    /** Multiplies out every parameter's staged rows: the end of the pass. */
    private void flushStaged() {
        for (Node leaf : staged.keySet()) {
            flush(leaf);
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
        staged.clear();
        for (Node n : ready) {
            n.pending = null;
            n.pendingOwned = null;
            n.queued = false;
        }
        ready.clear();
    }
}
