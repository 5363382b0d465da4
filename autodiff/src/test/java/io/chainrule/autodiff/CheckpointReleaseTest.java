package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Once backward has freed a checkpoint (the graph not retained), its node no longer holds the
 * inputs it kept for the recomputation: a checkpoint's output that the user keeps (a hidden state
 * carried into the next chunk, say) must not keep the segment's inputs, and through them the
 * graph that made them, alive. With the graph retained, the inputs stay for the next pass.
 */
class CheckpointReleaseTest {

    private static void collectGarbage() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    @Test
    void aFreedCheckpointNoLongerHoldsItsInputs() {
        Var x = Var.param(Tensor.randn(1, 1.0, 1000), "x");
        Var h = x.tanh();
        WeakReference<Var> input = new WeakReference<>(h);
        Var out = Checkpoint.single(v -> v.tanh().mul(2.0), h);
        h = null;
        out.sum().backward();
        collectGarbage();
        assertNull(input.get(), "the checkpoint's output still holds the input of the freed segment");
        assertNotNull(out.value());
        Reference.reachabilityFence(out);
    }

    @Test
    void aRetainedCheckpointKeepsItsInputsForTheNextPass() {
        Var x = Var.param(Tensor.randn(2, 1.0, 1000), "x");
        Var h = x.tanh();
        WeakReference<Var> input = new WeakReference<>(h);
        Var out = Checkpoint.single(v -> v.tanh().mul(2.0), h);
        h = null;
        Var loss = out.sum();
        loss.backward(Tensor.scalar(1.0), true);
        Tensor first = x.grad().copy();
        collectGarbage();
        assertNotNull(input.get(), "a retained checkpoint dropped its input");
        x.zeroGrad();
        loss.backward();
        assertEquals(0.0, x.grad().maxAbsDiff(first), "the second pass through the retained graph");
        Reference.reachabilityFence(out);
    }
}
