package io.chainrule.examples.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/** Wall-clock times of repeated runs of one piece of work, after a warm-up, in milliseconds. */
public record Timing(double[] millis) {

    /**
     * Runs {@code work} {@code warmup} times untimed (so the JIT compiles it), then
     * {@code iterations} times timed one by one. Each result is consumed so the work is not
     * optimized away.
     */
    public static Timing measure(DoubleSupplier work, int warmup, int iterations) {
        return measure(work, warmup, 0, iterations, System::nanoTime);
    }

    /**
     * Like {@link #measure(DoubleSupplier, int, int)}, but the warm-up goes on until it has run
     * {@code warmup} times and lasted {@code warmupSeconds}: a fixed count that compiles a large
     * configuration leaves a small one, whose iterations take a millisecond, still in the
     * interpreter and the first compilers ({@code chainrule bench --threads 1 --hidden 32
     * --warmup-seconds 0}: a median of 10.1 ms; with two seconds of warm-up, 2.2 ms).
     */
    public static Timing measure(DoubleSupplier work, int warmup, double warmupSeconds, int iterations) {
        return measure(work, warmup, warmupSeconds, iterations, System::nanoTime);
    }

    static Timing measure(DoubleSupplier work, int warmup, double warmupSeconds, int iterations, LongSupplier clock) {
        if (warmup < 0 || iterations < 1 || !(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
            throw new IllegalArgumentException("need at least one timed iteration and no negative warm-up, got "
                    + warmup + " warm-up iterations, " + warmupSeconds + " warm-up seconds and " + iterations
                    + " timed iterations");
        }
        double sink = 0;
        long start = clock.getAsLong();
        long warmupNanos = (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmup || clock.getAsLong() - start < warmupNanos; i++) {
            sink += work.getAsDouble();
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = clock.getAsLong();
            sink += work.getAsDouble();
            ms[i] = (clock.getAsLong() - t0) / 1e6;
        }
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("the benchmarked work produced NaN");
        }
        return new Timing(ms);
    }

    /** The median (the mean of the middle two for an even count). */
    public double median() {
        double[] s = millis.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public double min() {
        return Arrays.stream(millis).min().orElseThrow();
    }

    public double max() {
        return Arrays.stream(millis).max().orElseThrow();
    }
}
