package io.chainrule.examples.bench;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's inputs: drawn once for P steps, then repeated; the same values whenever a chunk is asked for again. */
class RandomInputsTest {

    @Test
    void aSequenceOfAtMostPStepsIsTheDrawnTensor() {
        RandomInputs in = new RandomInputs(7, 2, 3, 11L, DType.FLOAT64);
        assertTrue(in.inputs(0, 7).bitwiseEquals(Tensor.randn(11L, 1.0, 7, 2, 3)));
        assertTrue(new RandomInputs(7, 2, 3, 11L, DType.FLOAT32).inputs(2, 5)
                .bitwiseEquals(Tensor.randn(11L, 1.0, 7, 2, 3).cast(DType.FLOAT32).slice(0, 2, 5)));
    }

    @Test
    void beyondPStepsStepTReadsStepTModP() {
        int batch = 1 << 10;
        int input = 1 << 10;   // B·D = 2^20: P = 4 steps drawn
        assertEquals(4, RandomInputs.period(1_000_000, batch, input));
        RandomInputs in = new RandomInputs(1_000_000, batch, input, 3L, DType.FLOAT64);
        Tensor drawn = in.inputs(0, 4);
        Tensor wrapped = in.inputs(999_997, 1_000_000);   // steps 999,997..999,999: drawn steps 1, 2, 3
        assertTrue(wrapped.bitwiseEquals(drawn.slice(0, 1, 4)));
        Tensor across = in.inputs(2, 11);                  // 2, 3, then 0..3, then 0, 1, 2
        for (int t = 2; t < 11; t++) {
            assertTrue(across.slice(0, t - 2, t - 1).bitwiseEquals(drawn.slice(0, t % 4, t % 4 + 1)), "step " + t);
        }
        assertTrue(in.inputs(2, 11).bitwiseEquals(across), "asked again, the same values");
    }
}
