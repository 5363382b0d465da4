package io.chainrule.examples.bench;

import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.rnn.bptt.Bptt;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimingTest {

    @Test
    void warmUpRunsAreNotTimedAndTimedRunsAreEachTimed() {
        AtomicInteger calls = new AtomicInteger();
        Timing t = Timing.measure(() -> calls.incrementAndGet(), 4, 7);
        assertEquals(11, calls.get());
        assertEquals(7, t.millis().length);
        for (double ms : t.millis()) {
            assertTrue(ms >= 0, "a duration is not negative");
        }
    }

    @Test
    void theWarmUpLastsAtLeastItsCountAndItsSeconds() {
        long[] now = {0};
        AtomicInteger calls = new AtomicInteger();
        // each run advances a fake clock by 1 ms: 25 ms of warm-up take 25 runs, more than the count of 4
        Timing t = Timing.measure(() -> {
            now[0] += 1_000_000;
            return calls.incrementAndGet();
        }, 4, 0.025, 3, () -> now[0]);
        assertEquals(25 + 3, calls.get());
        assertEquals(3, t.millis().length);
        for (double ms : t.millis()) {
            assertEquals(1.0, ms, 1e-12);
        }
        calls.set(0);
        Timing.measure(() -> {
            now[0] += 1_000_000;
            return calls.incrementAndGet();
        }, 40, 0.025, 1, () -> now[0]);
        assertEquals(40 + 1, calls.get(), "the count when it takes longer than the seconds");
    }

    @Test
    void theMedianIsTheMiddleValue() {
        assertEquals(3.0, new Timing(new double[] {9, 1, 3}).median());
        assertEquals(2.5, new Timing(new double[] {4, 1, 2, 3}).median());
        assertEquals(1.0, new Timing(new double[] {4, 1, 2, 3}).min());
        assertEquals(4.0, new Timing(new double[] {4, 1, 2, 3}).max());
    }

    @Test
    void aTimingNeedsATimedRun() {
        assertThrows(IllegalArgumentException.class, () -> Timing.measure(() -> 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Timing.measure(() -> 1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> Timing.measure(() -> 1, 0, -0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> Timing.measure(() -> 1, 0, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> Timing.measure(() -> 1, 0, Double.POSITIVE_INFINITY, 1));
    }

    @Test
    void anIterationIsAForwardAndBackwardThatKeepsNothing() {
        long before = Memory.savedBytes();
        Workload w = new Workload("lstm", 2, 3, 4, 5, Bptt.full(), 1L);
        double loss = w.iteration();
        assertTrue(Double.isFinite(loss));
        for (Var p : w.cell().parameters()) {
            assertNotNull(p.grad(), () -> p.name() + " received a gradient");
        }
        assertEquals(before, Memory.savedBytes(), "backward freed the graph");
        Var first = w.cell().parameters().get(0);
        double[] g = first.grad().copy().array();
        w.iteration();
        assertEquals(g.length, first.grad().size());
        for (int i = 0; i < g.length; i++) {
            assertEquals(g[i], first.grad().getFlat(i), 0.0, "gradients are zeroed, not summed, between iterations");
        }
    }
}
