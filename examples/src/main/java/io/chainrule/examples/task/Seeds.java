package io.chainrule.examples.task;

/**
 * Derives independent seeds from a run's seed and a path of integers (an iteration, a lane, a
 * purpose), so every batch is a fixed function of (seed, iteration) and a resumed run sees the
 * same data as an uninterrupted one. Each step is the SplitMix64 finalizer.
 */
public final class Seeds {
    private Seeds() {
    }

    /** Purposes, so the model, the data and held-out data never share a stream. */
    public static final long MODEL = 1;
    public static final long DATA = 2;
    public static final long EVAL = 3;
    public static final long STRATEGY = 4;
    public static final long DROPOUT = 5;

    public static long derive(long seed, long... path) {
        long h = seed;
        for (long p : path) {
            h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
