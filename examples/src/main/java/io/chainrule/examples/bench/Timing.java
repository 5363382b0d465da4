package io.chainrule.examples.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/** Wall-clock times of repeated runs of one piece of work, after a warm-up, in milliseconds. */
public record Timing(double[] millis) {

    /**
     * Runs {@code work} {@code warmup} times untimed (so the JIT compiles it), then
     * {@code iterations} times timed one by one. Each result is consumed so the work is not
     * optimized away.
     */
    public static Timing measure(DoubleSupplier work, int warmup, int iterations) {
        if (warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("need at least one timed iteration and no negative warm-up, got "
                    + warmup + " and " + iterations);
        }
        double sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += work.getAsDouble();
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            sink += work.getAsDouble();
            ms[i] = (System.nanoTime() - start) / 1e6;
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
