package io.chainrule.rnn.reliability;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.optim.Adam;
import io.chainrule.autodiff.optim.Optimizer;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.GruCell;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 training steps of a small model keep memory flat: every step's graph and saved
 * activations are released. Measured two ways: the engine's own account of saved bytes returns to
 * exactly 0 after every step, and the JVM's used heap after a full GC at step 1,000 and at step
 * 10,000 differs by less than 4 MiB. The bound has power: the test also checks that one step's
 * saved activations alone (the engine's peak) are large enough that keeping them for each of the
 * 9,000 steps in between would exceed it ten times over.
 */
class LongRunTest {

    @Test
    void tenThousandTrainingStepsKeepTheRetainedHeapFlat() {
        GruCell cell = new GruCell(3, 8, 1);
        OutputLayer head = new OutputLayer(8, 1, true, 2);
        List<Var> params = new ArrayList<>(cell.parameters());
        params.addAll(head.parameters());
        Optimizer opt = new Adam(params, 1e-3);
        Tensor x = Tensor.randn(3, 1.0, 6, 4, 3);
        Tensor y = Tensor.randn(4, 1.0, 6, 4, 1);
        MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
        Memory.reset();
        long usedAt1000 = 0;
        long usedAt10000 = 0;
        for (int step = 1; step <= 10_000; step++) {
            opt.zeroGrad();
            Var loss = Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, 4),
                    (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), Bptt.full()).loss();
            loss.backward();
            opt.step();
            assertEquals(0, Memory.savedBytes(), "saved activations left after step " + step);
            if (step == 1000 || step == 10_000) {
                long used = usedAfterGc(heap);
                if (step == 1000) {
                    usedAt1000 = used;
                } else {
                    usedAt10000 = used;
                }
            }
        }
        assertTrue(Memory.peakSavedBytes() * 9_000 > 10 * (4L << 20),
                "one step saves " + Memory.peakSavedBytes() + " bytes: too few for the heap bound to detect a leak");
        long growth = usedAt10000 - usedAt1000;
        long finalGrowth = growth;
        assertTrue(growth < 4L << 20, () -> "used heap grew by " + finalGrowth + " bytes over 9,000 steps");
    }

    private static long usedAfterGc(MemoryMXBean heap) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, heap.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    @Test
    void aStateCarriedAcrossStepsStaysDetached() {
        // streaming-style: carrying the final state's value into the next step must not chain graphs
        GruCell cell = new GruCell(2, 4, 5);
        Tensor x = Tensor.randn(6, 1.0, 3, 2, 2);
        State s = Unroll.zeroState(cell, 2);
        Memory.reset();
        for (int i = 0; i < 200; i++) {
            var r = Unroll.loss(cell, Var.constant(x), s.detach(), (t, h) -> h.sum(), Bptt.full());
            r.loss().backward();
            s = r.finalState().detach();
            assertEquals(0, Memory.savedBytes());
        }
        assertTrue(!s.h().requiresGrad());
    }
}
