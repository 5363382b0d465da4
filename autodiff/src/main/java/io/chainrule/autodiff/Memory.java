package io.chainrule.autodiff;

import io.chainrule.autodiff.engine.Account;
import io.chainrule.autodiff.engine.BufferPool;

/**
 * The engine's account of saved activations, per thread: the bytes of tensors that recorded
 * operations keep for their backward ("saved tensors"), for the graphs built on the calling
 * thread, held right now and at the peak since the last {@link #resetPeak()}; and the gradient
 * buffers the engine keeps on the calling thread for reuse.
 *
 * <p>An operation adds the bytes of each tensor it saves to the account of the thread it is
 * recorded on; they are taken off when backward has used and freed them (or when the graph is
 * {@linkplain Var#releaseGraph() released}), on whatever thread that happens. A parameter's value
 * kept by an op is not counted: the model holds it anyway. A checkpointed segment counts only the
 * inputs it keeps; its recomputed activations count while they exist during backward. A tensor
 * saved by two operations counts twice; a graph dropped without backward or release stays counted
 * (call {@link #reset()} between experiments). Threads that build graphs concurrently each see
 * their own figures.
 */
public final class Memory {
    private Memory() {
    }

    /** Bytes of saved activations held right now by graphs built on this thread. */
    public static long savedBytes() {
        return Account.current().savedBytes();
    }

    /** Largest value {@link #savedBytes()} has had since the last reset, on this thread. */
    public static long peakSavedBytes() {
        return Account.current().peakSavedBytes();
    }

    /** Sets this thread's peak to the current value. */
    public static void resetPeak() {
        Account.current().resetPeak();
    }

    /** Sets both of this thread's counters to zero (forgetting graphs that were dropped without backward). */
    public static void reset() {
        Account.current().reset();
    }

    /**
     * Bytes of gradient buffers the engine keeps on this thread for reuse by later backward
     * passes: at most 64 MiB, arrays of at least 64 elements, at most 4 of one length.
     */
    public static long keptBufferBytes() {
        return 8L * BufferPool.keptDoubles();
    }

    /** Drops the gradient buffers kept on this thread (a thread done with training, say). */
    public static void releaseBuffers() {
        BufferPool.release();
    }
}
