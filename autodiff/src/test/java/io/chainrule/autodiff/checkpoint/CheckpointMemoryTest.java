package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link Checkpoint} keeps, as the engine's own {@link Memory} accounting sees it. */
class CheckpointMemoryTest {
    private static final long TENSOR_BYTES = 8L * 10 * 10;

    @Test
    void aNestedRecomputationCountsItsSharedInputOnce() {
        Var h = Var.param(Tensor.randn(1L, 1.0, 10, 10));
        Memory.reset();
        // outer checkpoint over [inner checkpoint over tanh, tanh]
        Var y = Checkpoint.single(v -> Checkpoint.single(Var::tanh, v).tanh(), h);
        assertEquals(TENSOR_BYTES, Memory.savedBytes(), "forward keeps only the outer input");
        y.sum().backward();
        // Recomputing the outer segment: the inner checkpoint keeps h and the outer tanh keeps its
        // output. The outer checkpoint has already let go of h, so h is counted once.
        assertEquals(2 * TENSOR_BYTES, Memory.peakSavedBytes());
        assertEquals(0, Memory.savedBytes());
    }

    @Test
    void retainedBackwardsThroughACheckpointLeaveNothingCountedAfterRelease() {
        Var h = Var.param(Tensor.randn(2L, 1.0, 10, 10));
        Memory.reset();
        Var y = Checkpoint.single(v -> v.tanh().tanh(), h).sum();
        for (int pass = 0; pass < 3; pass++) {
            y.backward(Tensor.scalar(1.0), true);
            // the checkpoint still keeps h for the next pass; its recomputed tanh outputs are gone
            assertEquals(TENSOR_BYTES, Memory.savedBytes(), "after retained pass " + pass);
        }
        y.releaseGraph();
        assertEquals(0, Memory.savedBytes());
        Tensor thrice = h.grad().copy();
        h.zeroGrad();
        Checkpoint.single(v -> v.tanh().tanh(), h).sum().backward();
        assertTrue(thrice.bitwiseEquals(h.grad().mul(3.0)), "three retained passes accumulate three gradients");
    }
}
