package io.chainrule.examples.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlopCountTest {

    @Test
    void theTanhRnnCountsFourTbdhPlusSixTbhSquared() {
        // T=2, B=3, D=4, H=5: forward 2*2*3*4*5 + 2*2*3*25 = 240 + 300; backward 240 + 600; total 1380
        assertEquals(1380, FlopCount.forwardBackward("rnn", 2, 3, 4, 5));
        assertEquals(1380, FlopCount.forwardBackward("linear", 2, 3, 4, 5));
    }

    @Test
    void gatedCellsMultiplyByTheirGateBlocks() {
        assertEquals(3 * 1380, FlopCount.forwardBackward("gru", 2, 3, 4, 5));
        assertEquals(4 * 1380, FlopCount.forwardBackward("lstm", 2, 3, 4, 5));
    }

    @Test
    void theDesignNotesPeerConfigurationHasAboutOneAndAHalfGigaflops() {
        // B=32, D=64, H=256, T=100: 4*100*32*64*256 + 6*100*32*256^2; at 70 ms that is 21 GFLOP/s
        assertEquals(1_468_006_400L, FlopCount.forwardBackward("rnn", 100, 32, 64, 256));
        // large sizes do not overflow: LSTM, B=64, D=H=1024, T=10,000
        assertEquals(4L * (4L * 10_000 * 64 * 1024 * 1024 + 6L * 10_000 * 64 * 1024 * 1024),
                FlopCount.forwardBackward("lstm", 10_000, 64, 1024, 1024));
    }

    @Test
    void anUnknownCellHasNoCount() {
        assertThrows(IllegalArgumentException.class, () -> FlopCount.gates("mgu"));
    }
}
