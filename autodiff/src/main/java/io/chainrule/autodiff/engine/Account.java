package io.chainrule.autodiff.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of tensors that recorded ops keep for backward, for the graphs built on one thread:
 * held now and at the peak since the last reset. A vertex charges the account of the thread it
 * was created on, and is credited back when it is freed, on whatever thread that happens (the
 * counters are atomic for that reason).
 */
public final class Account {
    private static final ThreadLocal<Account> THREAD = ThreadLocal.withInitial(Account::new);

    private final AtomicLong current = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    private Account() {
    }

    /** This thread's account. */
    public static Account current() {
        return THREAD.get();
    }

    public long savedBytes() {
        return current.get();
    }

    public long peakSavedBytes() {
        return peak.get();
    }

    public void resetPeak() {
        peak.set(current.get());
    }

    public void reset() {
        current.set(0);
        peak.set(0);
    }

    void add(long bytes) {
        long now = current.addAndGet(bytes);
        long p = peak.get();
        while (now > p && !peak.compareAndSet(p, now)) {
            p = peak.get();
        }
    }

    void subtract(long bytes) {
        current.addAndGet(-bytes);
    }
}
