package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backward frees saved tensors; reusing a freed part of a graph is a clear error, not wrong gradients. */
class FreedGraphTest {

    @Test
    void backwardFreesTheSavedTensorsOfTheWholeGraph() {
        long before = Memory.savedBytes();
        Var w = Var.param(Tensor.randn(1L, 1.0, 4, 4), "W");
        Var h = Var.constant(Tensor.randn(2L, 1.0, 4));
        for (int t = 0; t < 5; t++) {
            h = Ops.tanh(Ops.prod(w, h));
        }
        Var loss = Ops.sum(Ops.mul(h, h));
        assertTrue(Memory.savedBytes() > before);
        loss.backward();
        assertEquals(before, Memory.savedBytes());
    }

    /**
     * Regression: the ops behind a zero gradient scale (randomized truncation's cut) are never
     * differentiated, and backward used to leave their saved tensors held and counted.
     */
    @Test
    void backwardAlsoFreesTheOpsBehindACut() {
        long before = Memory.savedBytes();
        Var w = Var.param(Tensor.randn(1L, 1.0, 4, 4), "W");
        Var h = Var.constant(Tensor.randn(2L, 1.0, 4));
        Var upstream = null;
        for (int t = 0; t < 6; t++) {
            h = Ops.tanh(Ops.prod(w, h));
            if (t == 2) {
                upstream = h;
                h = Ops.scaleGrad(h, 0.0);
            }
        }
        Var loss = Ops.sum(Ops.mul(h, h));
        loss.backward();
        assertEquals(before, Memory.savedBytes());
        assertTrue(upstream.creator().isReleased());
        // and a second backward through the cut part is the usual clear error
        Var again = Ops.sum(upstream);
        IllegalStateException e = assertThrows(IllegalStateException.class, again::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
    }

    @Test
    void retainingTheGraphKeepsTheOpsBehindACut() {
        Var w = Var.param(Tensor.randn(1L, 1.0, 3, 3), "W");
        Var u = Ops.tanh(Ops.prod(w, Var.constant(Tensor.vector(1, 2, 3))));
        Var loss = Ops.sum(Ops.mul(Ops.scaleGrad(u, 0.0), w));
        loss.backward(Tensor.scalar(1.0), true);
        assertFalse(u.creator().isReleased());
        Ops.sum(u).backward();
        assertTrue(w.grad().allFinite());
        loss.releaseGraph();
    }

    @Test
    void aNewLossOnAFreedIntermediateNamesTheFreedOp() {
        Var x = Var.param(Tensor.vector(0.1, 0.2, 0.3), "x");
        Var h = Ops.tanh(x);
        Ops.sum(h).backward();
        Var second = Ops.sum(Ops.mul(h, h));
        IllegalStateException e = assertThrows(IllegalStateException.class, second::backward);
        assertTrue(e.getMessage().contains("'tanh' was already freed"), e.getMessage());
        assertTrue(e.getMessage().contains("backward(seed, true)"), e.getMessage());
    }

    @Test
    void retainingTheGraphLetsASecondLossReuseIt() {
        Tensor x0 = Tensor.vector(0.1, 0.2, 0.3);
        Var x = Var.param(x0.copy(), "x");
        Var h = Ops.tanh(x);
        Ops.sum(h).backward(Tensor.scalar(1.0), true);
        Ops.sum(Ops.mul(h, h)).backward();
        for (int i = 0; i < 3; i++) {
            double t = Math.tanh(x0.getFlat(i));
            double d = 1 - t * t;
            assertEquals(d + 2 * t * d, x.grad().getFlat(i), 1e-15);
        }
    }

    @Test
    void aReleasedGraphCannotBeDifferentiated() {
        Var x = Var.param(Tensor.vector(1, 2), "x");
        Var y = Ops.sum(Ops.exp(x));
        y.releaseGraph();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
    }

    @Test
    void aFreedCheckpointIsAClearErrorToo() {
        Var x = Var.param(Tensor.vector(0.5, -0.5), "x");
        Var y = Checkpoint.single(v -> Ops.tanh(Ops.tanh(v)), x);
        y.backward(Tensor.ones(2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.backward(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("'checkpoint' was already freed"), e.getMessage());
    }

    @Test
    void inAnomalyModeTheErrorNamesWhereTheFreedOpWasCreated() {
        Var x = Var.param(Tensor.vector(0.1, 0.2), "x");
        try (Anomaly.Scope scope = Anomaly.enable()) {
            Var h = Ops.sigmoid(x);
            Ops.sum(h).backward();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ops.sum(h).backward());
            assertTrue(e.getMessage().contains("op created at " + FreedGraphTest.class.getName()), e.getMessage());
        }
    }
}
