package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine keeps gradient buffers it no longer needs and reuses them in later passes on the
 * thread (the joined gradient of a split, the products of a recurrent step). Reuse never shows:
 * a part that receives no gradient is zero even in a reused buffer, a gradient a hook kept is
 * never overwritten, and results are bitwise those of fresh buffers.
 */
class GradientBufferReuseTest {

    private static final int T = 6;

    /** x [T, 3, 4] (a product, with its own buffer) split into T parts; loss Σ over the used parts of Σ tanh(part · W). */
    private static Tensor gradient(Var w, Tensor x0, boolean[] used, List<Tensor> kept) {
        Var xp = Var.param(x0.copy(), "x");
        Var[] parts = Ops.unstack(xp.mul(1.0), 0);
        if (kept != null) {
            parts[1].onGradient(kept::add);
        }
        Var loss = Var.constant(0.0);
        for (int t = 0; t < T; t++) {
            if (used[t]) {
                loss = loss.add(Ops.matmul(parts[t], false, w, false).tanh().sum());
            }
        }
        loss.backward();
        return xp.grad();
    }

    @Test
    void partsThatReceiveNoGradientAreZeroInAReusedBuffer() {
        Var w = Var.param(Tensor.randn(1, 1.0, 4, 4), "w");
        Tensor x0 = Tensor.randn(2, 1.0, T, 3, 4);
        boolean[] all = {true, true, true, true, true, true};
        boolean[] some = {true, false, true, false, false, true};
        for (int pass = 0; pass < 3; pass++) {
            gradient(w, x0, all, null); // fills the kept joined buffer with nonzero gradients
            Tensor g = gradient(w, x0, some, null);
            for (int t = 0; t < T; t++) {
                Tensor part = g.slice(0, t, t + 1);
                if (!some[t]) {
                    assertTrue(part.bitwiseEquals(Tensor.zeros(1, 3, 4)), "pass " + pass + ": part " + t + " must be zero");
                } else {
                    assertTrue(part.maxAbsDiff(Tensor.zeros(1, 3, 4)) > 0, "part " + t + " received a gradient");
                }
            }
        }
    }

    @Test
    void aGradientAHookKeptIsNeverOverwrittenByALaterPass() {
        Var w = Var.param(Tensor.randn(1, 1.0, 4, 4), "w");
        Tensor x0 = Tensor.randn(2, 1.0, T, 3, 4);
        boolean[] all = {true, true, true, true, true, true};
        List<Tensor> kept = new ArrayList<>();
        gradient(w, x0, all, kept);
        assertEquals(1, kept.size());
        Tensor snapshot = kept.get(0).copy();
        Tensor other = Tensor.randn(3, 5.0, T, 3, 4);
        for (int pass = 0; pass < 3; pass++) {
            gradient(w, other, all, null);
        }
        assertTrue(kept.get(0).bitwiseEquals(snapshot), "the hook's gradient changed after later passes");
    }

    @Test
    void reusedBuffersGiveBitwiseTheGradientsOfFreshOnes() {
        Var w = Var.param(Tensor.randn(1, 1.0, 4, 4), "w");
        Tensor x0 = Tensor.randn(2, 1.0, T, 3, 4);
        boolean[] all = {true, true, true, true, true, true};
        w.zeroGrad();
        Tensor first = gradient(w, x0, all, null);
        Tensor firstW = w.grad().copy();
        for (int pass = 0; pass < 3; pass++) {
            w.zeroGrad();
            Tensor again = gradient(w, x0, all, null);
            assertTrue(again.bitwiseEquals(first) && w.grad().bitwiseEquals(firstW), "pass " + pass);
        }
    }

    /** A chain of products whose intermediate gradients are engine-made products, reused by the next steps; returns the loss and h_2. */
    private static Var[] chain(Var x, Var w, int steps, List<Tensor> kept) {
        Var h = x;
        Var watched = null;
        Var loss = Var.constant(0.0);
        for (int t = 0; t < steps; t++) {
            h = Ops.matmul(h, false, w, false).tanh();
            if (t == 2 && kept != null) {
                h.onGradient(kept::add); // keeps the engine's tensor
                h.retainGrad();          // keeps a copy
                watched = h;
            }
            loss = loss.add(h.sum());
        }
        return new Var[] {loss, watched};
    }

    @Test
    void aProductGradientAHookSawIsNotReused() {
        Var w = Var.param(Tensor.randn(4, 0.3, 16, 16), "w");
        Var x = Var.param(Tensor.randn(5, 1.0, 8, 16), "x");
        List<Tensor> kept = new ArrayList<>();
        Var[] run = chain(x, w, 6, kept);
        run[0].backward();
        assertEquals(1, kept.size());
        for (int pass = 0; pass < 3; pass++) {
            chain(Var.param(Tensor.randn(6 + pass, 3.0, 8, 16), "x"), w, 6, null)[0].backward();
        }
        assertTrue(kept.get(0).bitwiseEquals(run[1].grad()), "a gradient the hook kept was reused and overwritten");
    }

    /**
     * u = tanh(x·W) reaches the loss through a reshape, whose backward passes its (engine-made)
     * gradient on as a view; a product between them in backward order must not be computed into
     * that buffer. Dropping the reshapes changes no value, so the gradients must agree bit for bit.
     */
    private static Tensor[] passedOn(boolean reshape) {
        Var w = Var.param(Tensor.randn(7, 0.3, 16, 16), "w");
        Var x = Var.param(Tensor.randn(8, 1.0, 8, 16), "x");
        Var u = Ops.matmul(x, false, w, false).tanh();
        Var p = Ops.matmul(x.mul(0.5), false, w, false).tanh();   // created between u and its use
        Var q = Ops.matmul(p, false, w, false);                    // its backward delivers a [8, 16] product to p
        Var r = reshape ? u.reshape(128).reshape(8, 16) : u;
        Var v = Ops.matmul(r, false, w, false);                    // delivers a [8, 16] product to r
        v.tanh().sum().add(q.sum()).backward();
        return new Tensor[] {x.grad(), w.grad()};
    }

    @Test
    void aGradientPassedOnAsAViewIsNotReused() {
        for (int pass = 0; pass < 3; pass++) {
            Tensor[] viaViews = passedOn(true);
            Tensor[] direct = passedOn(false);
            assertTrue(viaViews[0].bitwiseEquals(direct[0]) && viaViews[1].bitwiseEquals(direct[1]), "pass " + pass);
        }
    }

    /** A parameter's hook that keeps the gradient it was given keeps it unchanged, though the engine made that buffer. */
    @Test
    void aGradientAParameterHookKeptIsNotReused() {
        Var w = Var.param(Tensor.randn(9, 0.3, 16, 16), "w");
        List<Tensor> kept = new ArrayList<>();
        Var x = Var.param(Tensor.randn(10, 1.0, 128), "x");
        x.onGradient(kept::add);
        // the reshape's gradient is a product the engine made; the reshape hands it to x as a view
        Ops.matmul(x.reshape(8, 16), false, w, false).tanh().sum().backward();
        assertEquals(1, kept.size());
        for (int pass = 0; pass < 3; pass++) {
            Var other = Var.param(Tensor.randn(11 + pass, 1.0, 128), "y");
            Ops.matmul(other.reshape(8, 16), false, w, false).tanh().sum().backward();
        }
        assertTrue(kept.get(0).bitwiseEquals(x.grad()), "a gradient the parameter's hook kept was reused and overwritten");
    }

    /** The identity, whose backward notes (weakly) the array of the gradient it receives. */
    private static final class Watch extends Op {
        private final List<WeakReference<Object>> seen;

        private Watch(Var x, List<WeakReference<Object>> seen) {
            super("watch", x);
            this.seen = seen;
        }

        static Var apply(Var x, List<WeakReference<Object>> seen) {
            return new Watch(x, seen).output(x.value().copy());
        }

        @Override
        protected void backward(Gradients g) {
            seen.add(new WeakReference<>(g.output().array()));
            if (seen.size() == SPLITS) {
                // the last op of the pass: every other split's joined buffer has been used by now
                for (int i = 0; i < 3; i++) {
                    System.gc();
                }
                for (WeakReference<Object> r : seen) {
                    collectedBeforeEnd += r.get() == null ? 1 : 0;
                }
            }
            g.set(0, g.output().copy());
        }
    }

    private static final int SPLITS = 40;
    private static int collectedBeforeEnd;

    /**
     * A pass through many splits, each joining its parts' gradients in a buffer of 1 MiB (as a long
     * sequence's chunks each split their input projection per step): the pass holds on to at most
     * the few buffers the pool can keep for reuse afterwards ({@code BufferPool.PER_LENGTH} of a
     * length), so the others are garbage once their op has run, and memory does not grow with the
     * number of splits.
     */
    @Test
    void aPassHoldsNoMoreJoinedBuffersThanThePoolCanKeep() {
        Memory.releaseBuffers();
        Var x = Var.param(Tensor.randn(12, 1.0, 128, 1024), "x");
        List<WeakReference<Object>> seen = new ArrayList<>();
        Var loss = Var.constant(0.0);
        for (int k = 0; k < SPLITS; k++) {
            Var[] parts = Ops.unstack(Watch.apply(x, seen), 0);
            for (int j = 0; j < parts.length; j += 32) {
                loss = loss.add(parts[j].mul(k + 1.0).sum());
            }
        }
        collectedBeforeEnd = 0;
        loss.backward();
        assertEquals(SPLITS, seen.size());
        assertTrue(collectedBeforeEnd >= SPLITS - 1 - 4, "only " + collectedBeforeEnd + " of the " + (SPLITS - 1)
                + " used joined buffers were collected while the pass went on");
    }
}
