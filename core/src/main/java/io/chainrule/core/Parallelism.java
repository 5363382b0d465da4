package io.chainrule.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * How many threads chainrule's kernels may use, and the pool they run on.
 *
 * <p>The number of threads starts at the system property {@code chainrule.threads} when it is set
 * (a positive integer), otherwise at {@link Runtime#availableProcessors()}, and can be changed at
 * any time with {@link #setThreads}. One thread means everything runs on the calling thread.
 *
 * <p>The pool belongs to chainrule: {@code threads() - 1} daemon workers named
 * {@code chainrule-worker-N}; the calling thread always does a share of the work itself. A worker
 * that finishes waits for the next job spinning for {@link #SPIN_NANOS} before it parks: a
 * recurrent step hands out three or four products a step, a few hundred microseconds apart.
 * Handing work over takes 0.6 µs this way; the {@code ForkJoinPool} used before took 67 µs a call
 * on the 2-core machine these kernels were measured on ({@code HandOffBenchmark}, run on both).
 * One job runs at a time; a thread that finds the pool busy (several threads differentiating
 * their own graphs) runs its parts itself, which gives the same results.
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

    /**
     * The most threads {@link #setThreads} accepts. Each is a platform thread that spins while it
     * waits for work, so a count far beyond the cores only takes turns; a larger one is a mistake
     * (100,000 would start that many threads one by one before anything runs).
     */
    public static final int MAX_THREADS = 1024;

    private static volatile int threads = initialThreads();
    private static Pool pool; // guarded by Parallelism.class; created on first use

    /** How long an idle worker, and a caller waiting for the last parts, spin before parking. */
    static final long SPIN_NANOS = 200_000;

    /** The number of threads kernels may use (at least 1). */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads kernels may use from now on. Work already running finishes on the
     * previous pool, whose workers then exit.
     *
     * @throws IllegalArgumentException if {@code n < 1} or {@code n > MAX_THREADS}
     */
    public static void setThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new IllegalArgumentException("the number of threads must be between 1 and " + MAX_THREADS + ", got " + n);
        }
        Pool old;
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
     * {@code parts <= 1}, when called from one of the pool's own workers (no nested parallelism),
     * or when the pool is running another caller's job. The first exception thrown by a part is
     * rethrown after every part has finished.
     */
    public static void run(int parts, IntConsumer part) {
        Pool p = parts > 1 && threads > 1 && !(Thread.currentThread() instanceof Worker) ? pool() : null;
        if (p == null || !p.run(parts, part)) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
        }
    }

    private static synchronized Pool pool() {
        if (pool == null && threads > 1) {
            pool = new Pool(threads - 1);
        }
        return pool;
    }

    /** The parts of one {@link #run} call, claimed one index at a time by the caller and the workers. */
    private static final class Job {
        final int parts;
        final IntConsumer part;
        final Thread caller;
        final long id;
        final AtomicInteger next = new AtomicInteger(1); // the caller runs part 0 itself
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(long id, int parts, IntConsumer part, Thread caller) {
            this.id = id;
            this.parts = parts;
            this.part = part;
            this.caller = caller;
        }

        /** Runs one part, keeping the first failure; counts it done either way. */
        void runPart(int i) {
            try {
                part.accept(i);
            } catch (RuntimeException | Error e) {
                synchronized (this) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            } finally {
                if (done.incrementAndGet() == parts) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** Claims and runs parts until none is left. */
        void work() {
            for (int i = next.getAndIncrement(); i < parts; i = next.getAndIncrement()) {
                runPart(i);
            }
        }
    }

    /** Workers that take the current job, spinning a while for the next one before they park. */
    private static final class Pool {
        private final Worker[] workers;
        private final AtomicInteger busy = new AtomicInteger();
        private volatile Job current;
        private volatile boolean shutdown;
        private long jobs; // guarded by busy

        Pool(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker(this, i);
                workers[i].start();
            }
        }

        /** Runs the job with the workers; false (nothing run) if another job holds the pool. */
        boolean run(int parts, IntConsumer part) {
            if (shutdown || !busy.compareAndSet(0, 1)) {
                return false;
            }
            Job job = new Job(++jobs, parts, part, Thread.currentThread());
            try {
                current = job;
                for (Worker w : workers) {
                    if (w.parked) {
                        LockSupport.unpark(w);
                    }
                }
                job.runPart(0);
                job.work();
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (job.done.get() < parts) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(this, 100_000);
                    }
                }
            } finally {
                current = null;
                busy.set(0);
            }
            Throwable f = job.failure;
            if (f instanceof RuntimeException) {
                throw (RuntimeException) f;
            }
            if (f != null) {
                throw (Error) f;
            }
            return true;
        }

        /**
         * A worker's loop: take each new job once, spin for the next, park when idle for long. It
         * remembers the last job by number only, so that no finished job's data stays reachable.
         */
        void loop(Worker self) {
            long last = 0;
            while (!shutdown) {
                Job job = current;
                if (job != null && job.id != last) {
                    last = job.id;
                    job.work();
                    continue;
                }
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (!shutdown && !newJob(last) && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                }
                if (!shutdown && !newJob(last)) {
                    self.parked = true;
                    if (!newJob(last)) {
                        LockSupport.parkNanos(this, 10_000_000);
                    }
                    self.parked = false;
                }
            }
        }

        private boolean newJob(long last) {
            Job job = current;
            return job != null && job.id != last;
        }

        void shutdown() {
            shutdown = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    /** A thread of chainrule's pool. */
    private static final class Worker extends Thread {
        private final Pool owner;
        volatile boolean parked;

        Worker(Pool owner, int index) {
            super("chainrule-worker-" + (index + 1));
            this.owner = owner;
            setDaemon(true);
        }

        @Override
        public void run() {
            owner.loop(this);
        }
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
        if (n < 1 || n > MAX_THREADS) {
            throw new IllegalArgumentException("system property " + THREADS_PROPERTY
                    + " must be an integer between 1 and " + MAX_THREADS + ", got \"" + v + "\"");
        }
        return n;
    }
}
