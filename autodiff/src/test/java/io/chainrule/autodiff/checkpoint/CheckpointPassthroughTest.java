package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A checkpoint output that is one of the segment's inputs, returned unchanged. */
class CheckpointPassthroughTest {

    /**
     * x feeds the segment (through tanh) and passes through it; x is also used by d and e, created
     * between the checkpoint and c, the consumer of the passthrough. Without checkpoint the
     * contributions to x arrive as c, e, d, tanh. The gradients are chosen so that the order of
     * the sum shows in the bits: c's is 1e16 (ulp 2), e's and d's are 0.6 each, so
     * (1e16 + 0.6) + 0.6 = 1e16 but (0.6 + 0.6) + 1e16 = 1e16 + 2.
     */
    private static Tensor gradient(boolean checkpointed) {
        return gradient(checkpointed, false);
    }

    /** With {@code captured}, the segment returns y unchanged as a value it captures, not as its input. */
    private static Tensor gradient(boolean checkpointed, boolean captured) {
        Var x = Var.param(Tensor.of(new double[] {Math.log(0.6)}, 1), "x");
        Var y = x.mul(Var.constant(1.0));
        Checkpoint.Segment s = in -> new Var[] {in[0].tanh(), captured ? y : in[0]};
        Var[] out = checkpointed ? Checkpoint.apply(s, y) : s.apply(new Var[] {y});
        Var d = y.mul(Var.constant(0.6));
        Var e = y.exp();
        Var c = out[1].mul(Var.constant(1e16));
        out[0].add(d).add(e).add(c).sum().backward();
        return x.grad();
    }

    @Test
    void aPassthroughOutputGivesTheSameGradientBitsAsWithoutCheckpoint() {
        Tensor stored = gradient(false);
        Tensor checkpointed = gradient(true);
        assertTrue(stored.bitwiseEquals(checkpointed), () -> stored + " vs " + checkpointed);
    }

    @Test
    void aCapturedValueReturnedUnchangedGivesTheSameGradientBitsAsWithoutCheckpoint() {
        Tensor stored = gradient(false, true);
        Tensor checkpointed = gradient(true, true);
        assertTrue(stored.bitwiseEquals(checkpointed), () -> stored + " vs " + checkpointed);
    }

    @Test
    void aSegmentThatOnlyPassesItsInputThroughKeepsNothing() {
        Var x = Var.param(Tensor.of(new double[] {1, 2}, 2));
        Memory.reset();
        Var[] out = Checkpoint.apply(in -> in, x);
        assertSame(x, out[0]);
        assertEquals(0, Memory.savedBytes());
        out[0].sum().backward();
        assertTrue(x.grad().bitwiseEquals(Tensor.ones(2)));
    }
}
