package io.chainrule.core.kernel;

import io.chainrule.core.Parallelism;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thread facade the kernels split their work on (kept beside the kernels that use it). */
class ParallelismTest {

    @Test
    void everyPartRunsExactlyOnceOnTheCallerAndThePool() {
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(3);
            assertEquals(3, Parallelism.threads());
            AtomicIntegerArray runs = new AtomicIntegerArray(7);
            Set<String> threadNames = ConcurrentHashMap.newKeySet();
            Parallelism.run(7, i -> {
                runs.incrementAndGet(i);
                threadNames.add(Thread.currentThread().getName());
            });
            for (int i = 0; i < 7; i++) {
                assertEquals(1, runs.get(i), "part " + i);
            }
            assertTrue(threadNames.contains(Thread.currentThread().getName()), threadNames.toString());
            for (String name : threadNames) {
                assertTrue(name.equals(Thread.currentThread().getName()) || name.startsWith("chainrule-worker-"), name);
            }
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void oneThreadRunsEverythingOnTheCaller() {
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            Parallelism.run(5, i -> threads.add(Thread.currentThread()));
            assertEquals(Set.of(Thread.currentThread()), threads);
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void aFailingPartIsRethrownAfterTheOthersFinish() {
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(2);
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            IllegalStateException boom = new IllegalStateException("part 2 failed");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallelism.run(4, i -> {
                runs.incrementAndGet(i);
                if (i == 2) {
                    throw boom;
                }
            }));
            // a part that failed on a worker comes back as itself or as a copy made by the pool, caused by it
            assertTrue(thrown == boom || thrown.getCause() == boom, thrown.toString());
            for (int i = 0; i < 4; i++) {
                assertEquals(1, runs.get(i), "part " + i);
            }
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void callersOnSeveralThreadsEachGetEveryPartRunOnce() throws InterruptedException {
        // one job holds the pool at a time; a caller that finds it busy runs its parts itself
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(2);
            int callers = 4;
            int calls = 300;
            int parts = 5;
            AtomicIntegerArray runs = new AtomicIntegerArray(callers * calls * parts);
            Thread[] ts = new Thread[callers];
            for (int c = 0; c < callers; c++) {
                int caller = c;
                ts[c] = new Thread(() -> {
                    for (int k = 0; k < calls; k++) {
                        int base = (caller * calls + k) * parts;
                        Parallelism.run(parts, i -> runs.incrementAndGet(base + i));
                    }
                });
                ts[c].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            for (int i = 0; i < runs.length(); i++) {
                assertEquals(1, runs.get(i), "part " + i);
            }
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void aNonPositiveThreadCountIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallelism.setThreads(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void anAbsurdThreadCountIsRejectedBeforeAnyThreadStarts() {
        int before = Parallelism.threads();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallelism.setThreads(100_000));
        assertTrue(e.getMessage().contains("between 1 and " + Parallelism.MAX_THREADS) && e.getMessage().contains("got 100000"),
                e.getMessage());
        assertEquals(before, Parallelism.threads(), "the count is unchanged");
    }
}
