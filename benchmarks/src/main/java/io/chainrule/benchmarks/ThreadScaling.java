package io.chainrule.benchmarks;

import io.chainrule.core.Parallelism;

/**
 * One question: how much faster are two threads than one on the tanh RNN (B=32, D=64, T=100,
 * forward + backward through the engine, the workload of {@link EngineVsBaselineBenchmark#engine})?
 * Measured the way a shared machine allows: in one JVM, after warming up both, rounds that time
 * two iterations on one thread and two on two threads back to back (in alternating order), so
 * that both see the same load; the median of the rounds' speed-ups, with the quartiles. Separate
 * JMH forks measure the two minutes apart, and on this machine their ratio moved by ±0.1 between
 * runs.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar io.chainrule.benchmarks.ThreadScaling [hidden] [rounds]</pre>
 */
public final class ThreadScaling {
    private ThreadScaling() {
    }

    /** The two-thread speed-up: the median of {@code rounds} rounds' ratios of one-thread time to two-thread time, and the quartiles. */
    public static EngineVsBaselineBenchmark.Ratio interleaved(int hidden, int rounds) {
        if (hidden <= 0 || rounds <= 0) {
            throw new IllegalArgumentException("hidden size and rounds must be positive, got " + hidden + " and " + rounds);
        }
        int before = Parallelism.threads();
        try {
            EngineVsBaselineBenchmark b = new EngineVsBaselineBenchmark();
            b.hidden = hidden;
            b.setup();
            for (int i = 0; i < 4; i++) {
                time(b, 1, 1);
                time(b, 2, 1);
            }
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long one;
                long two;
                if (r % 2 == 0) {
                    one = time(b, 1, 2);
                    two = time(b, 2, 2);
                } else {
                    two = time(b, 2, 2);
                    one = time(b, 1, 2);
                }
                ratios[r] = (double) one / two;
            }
            return new EngineVsBaselineBenchmark.Ratio(ratios);
        } finally {
            Parallelism.setThreads(before);
        }
    }

    private static long time(EngineVsBaselineBenchmark b, int threads, int times) {
        Parallelism.setThreads(threads);
        long t0 = System.nanoTime();
        for (int i = 0; i < times; i++) {
            b.engine();
        }
        return System.nanoTime() - t0;
    }

    /** Prints the interleaved two-thread speed-up (default: H = 1024, 15 rounds). */
    public static void main(String[] args) {
        int hidden = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        EngineVsBaselineBenchmark.Ratio s = interleaved(hidden, rounds);
        System.out.printf("H=%d: two threads / one thread %.3f (quartiles %.3f-%.3f over %d rounds)%n", hidden, s.median,
                s.low, s.high, s.rounds);
    }
}
