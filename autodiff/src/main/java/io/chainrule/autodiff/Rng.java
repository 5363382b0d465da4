package io.chainrule.autodiff;

import org.apache.commons.math3.random.AbstractRandomGenerator;

/**
 * A counter-based random stream: draw number i is a fixed function of (seed, i) (the SplitMix64
 * finalizer of {@code seed + i·γ}), so the whole state is two longs. That is what lets a
 * {@link Checkpoint} replay exactly the same draws when it recomputes a segment.
 *
 * <p>Operations that need randomness inside a graph (dropout, random gradient scales) draw from
 * {@link #current()}, the stream of the calling thread; checkpoints snapshot and restore it. It is
 * also a commons-math3 {@code RandomGenerator}, so it can seed {@code Tensor.randn}.
 * {@link #nextGaussian()} uses two uniforms per draw (Box–Muller, no cached second value) so that
 * the state stays two longs.
 */
public final class Rng extends AbstractRandomGenerator {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final ThreadLocal<Rng> CURRENT = ThreadLocal.withInitial(() -> new Rng(0x5EEDL));

    private long seed;
    private long counter;

    public Rng(long seed) {
        this.seed = seed;
    }

    /** The calling thread's stream (seed 0x5EED until {@link #setSeed(long)} is called on it). */
    public static Rng current() {
        return CURRENT.get();
    }

    /** Restarts this stream at draw 0 of {@code seed}. */
    @Override
    public void setSeed(long newSeed) {
        this.seed = newSeed;
        this.counter = 0;
        clear();
    }

    /** Uniform in [0, 1) with 53 random bits. */
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    @Override
    public long nextLong() {
        long z = seed + (counter++) * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** Standard normal by Box–Muller from two fresh uniforms. */
    @Override
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** The position in the stream, for replay. */
    public State snapshot() {
        return new State(seed, counter);
    }

    /** Returns to a position taken with {@link #snapshot()}. */
    public void restore(State state) {
        this.seed = state.seed;
        this.counter = state.counter;
    }

    /** A position in a stream. */
    public static final class State {
        final long seed;
        final long counter;

        State(long seed, long counter) {
            this.seed = seed;
            this.counter = counter;
        }

        @Override
        public String toString() {
            return "Rng.State(seed=" + seed + ", draw=" + counter + ")";
        }
    }
}
