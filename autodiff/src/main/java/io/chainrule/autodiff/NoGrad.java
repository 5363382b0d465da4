package io.chainrule.autodiff;

/**
 * A scope in which nothing is recorded: results are plain values with no gradient path.
 *
 * <pre>{@code
 * try (NoGrad scope = NoGrad.enter()) {
 *     Var prediction = model.apply(x);   // no graph, no saved activations
 * }
 * }</pre>
 *
 * Scopes nest; closing one restores the mode that was in force when it was entered. A scope
 * belongs to the thread that entered it.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;
    private final Thread owner;
    private boolean closed;

    private NoGrad(boolean previous) {
        this.previous = previous;
        this.owner = Thread.currentThread();
    }

    /** Turns recording off on this thread until the returned scope is closed. */
    public static NoGrad enter() {
        return new NoGrad(GradMode.set(false));
    }

    /** Turns recording on on this thread (inside a no-grad scope, for example) until closed. */
    public static NoGrad enableGrad() {
        return new NoGrad(GradMode.set(true));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a NoGrad scope must be closed on the thread that entered it ("
                    + owner.getName() + "), not on " + Thread.currentThread().getName());
        }
        closed = true;
        GradMode.set(previous);
    }
}
