package io.chainrule.core;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntConsumer;

/**
 * How many threads chainrule's kernels may use, and the pool they run on.
 *
 * <p>The number of threads starts at the system property {@code chainrule.threads} when it is set
 * (a positive integer), otherwise at {@link Runtime#availableProcessors()}, and can be changed at
 * any time with {@link #setThreads}. One thread means everything runs on the calling thread.
 *
 * <p>The pool is a {@link ForkJoinPool} owned by chainrule (never the common pool) with
 * {@code threads() - 1} daemon workers named {@code chainrule-worker-N}: the calling thread always
 * does one share of the work itself.
 *
 * <p><b>Determinism.</b> Kernels split work only over disjoint blocks of their output and compute
 * every output element in an order that does not depend on the split, so results are bitwise
 * identical whatever the number of threads.
 */
public final class Parallelism {
    private Parallelism() {
    }

    /** The system property read once, at class initialization, for the initial number of threads. */
    public static final String THREADS_PROPERTY = "chainrule.threads";

    private static volatile int threads = initialThreads();
    private static ForkJoinPool pool; // guarded by Parallelism.class; created on first use

    /** The number of threads kernels may use (at least 1). */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads kernels may use from now on. Work already running finishes on the
     * previous pool, whose workers then exit.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the number of threads must be at least 1, got " + n);
        }
        ForkJoinPool old;
        synchronized (Parallelism.class) {
            if (n == threads) {
                return;
            }
            threads = n;
            old = pool;
            pool = null;
        }
        if (old != null) {
            old.shutdown();
        }
    }

    /**
     * Runs {@code part.accept(i)} for every {@code i} in {@code [0, parts)}, in parallel on the pool
     * and the calling thread, and returns when all parts are done. Parts must write disjoint data.
     * Runs the parts one after another on the calling thread when {@code threads() == 1},
     * {@code parts <= 1}, or when called from one of the pool's own workers (no nested parallelism).
     * The first exception thrown by a part is rethrown after every part has finished.
     */
    public static void run(int parts, IntConsumer part) {
        ForkJoinPool p = parts > 1 && threads > 1 && !onWorker() ? pool() : null;
        if (p == null) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        ForkJoinTask<?>[] forked = new ForkJoinTask<?>[parts - 1];
        for (int i = 1; i < parts; i++) {
            int index = i;
            try {
                forked[i - 1] = p.submit(() -> part.accept(index));
            } catch (RejectedExecutionException e) {
                forked[i - 1] = null; // the pool was replaced by setThreads meanwhile: run it here below
            }
        }
        Throwable failure = null;
        try {
            part.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int i = 1; i < parts; i++) {
            try {
                if (forked[i - 1] == null) {
                    part.accept(i);
                } else {
                    forked[i - 1].join();
                }
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure != null) {
            throw (Error) failure;
        }
    }

    private static boolean onWorker() {
        return Thread.currentThread() instanceof Worker;
    }

    /** A thread of chainrule's pool. */
    private static final class Worker extends ForkJoinWorkerThread {
        Worker(ForkJoinPool pool) {
            super(pool);
            setName("chainrule-worker-" + getPoolIndex());
            setDaemon(true);
        }
    }

    private static synchronized ForkJoinPool pool() {
        if (pool == null && threads > 1) {
            pool = new ForkJoinPool(threads - 1, Worker::new, null, false);
        }
        return pool;
    }

    private static int initialThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        if (v == null || v.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("system property " + THREADS_PROPERTY
                    + " must be a positive integer, got \"" + v + "\"");
        }
        return n;
    }
}
