package io.chainrule.core.kernel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The in-register transposition that packs a transposed B, against its definition (skipped where
 * it is not used: without the Vector API, or with float vectors of other than 16 lanes).
 */
class FloatTransposeTest {
    @Test
    void aBlockLandsTransposedAndNothingElseIsWritten() {
        Assumptions.assumeTrue(Kernels.VECTOR_MODULE_PRESENT, "the Vector API module");
        Assumptions.assumeTrue(FloatTranspose.AVAILABLE, "float vectors of 16 lanes");
        long seed = 1;
        for (int fromStep : new int[] {16, 17, 31, 48, 256}) {
            for (int toStep : new int[] {16, 48, 50}) {
                for (int fromOff : new int[] {0, 5}) {
                    for (int toOff : new int[] {0, 9}) {
                        check(fromStep, toStep, fromOff, toOff, seed++);
                    }
                }
            }
        }
    }

    private static void check(int fromStep, int toStep, int fromOff, int toOff, long seed) {
        Random r = new Random(seed);
        float[] from = new float[fromOff + 16 * fromStep];
        for (int i = 0; i < from.length; i++) {
            from[i] = r.nextFloat() - 0.5f;
        }
        float[] to = new float[toOff + 16 * toStep + 3];
        java.util.Arrays.fill(to, Float.NaN);
        FloatTranspose.block(from, fromOff, fromStep, to, toOff, toStep);
        for (int t = 0; t < to.length; t++) {
            int i = (t - toOff) / toStep;
            int j = (t - toOff) % toStep;
            if (t >= toOff && i < 16 && j < 16) {
                float want = from[fromOff + j * fromStep + i];
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(to[t]),
                        "to[" + t + "] = element (" + i + ", " + j + ")");
            } else {
                assertEquals(Float.NaN, to[t], "to[" + t + "] is outside the block and must be left as it was");
            }
        }
    }
}
