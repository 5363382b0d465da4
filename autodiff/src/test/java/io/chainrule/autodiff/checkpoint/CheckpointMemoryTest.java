package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
