package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint compares the recomputed outputs with the forward's, bit for bit: a segment whose
 * recomputation differs in a single element by the smallest step there is (one unit in the last
 * place), wherever that element lies, is reported, in float64 and in float32. A weaker comparison
 * (a hash that loses bits) would miss some of these positions.
 */
class CheckpointDeterminismTest {

    private static final int N = 24;

    /** x ⊙ s with s all ones in forward and, on recomputation, one element of s one ulp above 1 at {@code at} (or none when at < 0). */
    private static void backwardThroughSegmentChangedAt(DType dtype, int at) {
        Var x = Var.param(Tensor.uniform(11, 0.5, 1.5, 4, N / 4).cast(dtype), "x");
        int[] calls = {0};
        Var y = Checkpoint.single(in -> {
            Tensor s = Tensor.full(dtype, 1.0, 4, N / 4);
            if (calls[0]++ > 0 && at >= 0) {
                s.setFlatInPlace(at, dtype == DType.FLOAT32 ? Math.nextUp(1.0f) : Math.nextUp(1.0));
            }
            return in.mul(Var.constant(s));
        }, x);
        y.sum().backward();
    }

    @Test
    void aRecomputationOneUlpOffInAnySingleElementIsReported() {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            for (int at = 0; at < N; at++) {
                int where = at;
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> backwardThroughSegmentChangedAt(dtype, where), dtype + ": element " + where + " changed unseen");
                assertTrue(e.getMessage().contains("differs between forward and recomputation"), e.getMessage());
            }
        }
    }

    @Test
    void anUnchangedRecomputationIsNotReported() {
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            assertDoesNotThrow(() -> backwardThroughSegmentChangedAt(dtype, -1), dtype.toString());
        }
    }
}
