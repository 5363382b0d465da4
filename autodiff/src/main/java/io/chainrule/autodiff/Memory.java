package io.chainrule.autodiff;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's account of saved activations: the bytes of tensors that recorded operations keep
 * for their backward ("saved tensors"), held right now and at the peak since the last
 * {@link #resetPeak()}.
 *
 * <p>An operation adds the bytes of each tensor it saves when it is recorded; they are subtracted
 * when backward has used and freed them (or when the graph is {@linkplain Var#releaseGraph()
 * released}). A parameter's value kept by an op is not counted: the model holds it anyway. A
 * checkpointed segment counts only the inputs it keeps; its recomputed activations
 * count while they exist during backward. A tensor saved by two operations counts twice; a graph
 * dropped without backward or release stays counted (call {@link #reset()} between experiments).
 * Counters are global to the JVM and safe to update from several threads.
 */
public final class Memory {
    private Memory() {
    }

    private static final AtomicLong CURRENT = new AtomicLong();
    private static final AtomicLong PEAK = new AtomicLong();

    /** Bytes of saved activations held right now. */
    public static long savedBytes() {
        return CURRENT.get();
    }

    /** Largest value {@link #savedBytes()} has had since the last reset. */
    public static long peakSavedBytes() {
        return PEAK.get();
    }

    /** Sets the peak to the current value. */
    public static void resetPeak() {
        PEAK.set(CURRENT.get());
    }

    /** Sets both counters to zero (forgetting graphs that were dropped without backward). */
    public static void reset() {
        CURRENT.set(0);
        PEAK.set(0);
    }

    static void add(long bytes) {
        long now = CURRENT.addAndGet(bytes);
        long peak = PEAK.get();
        while (now > peak && !PEAK.compareAndSet(peak, now)) {
            peak = PEAK.get();
        }
    }

    static void subtract(long bytes) {
        CURRENT.addAndGet(-bytes);
    }
}
