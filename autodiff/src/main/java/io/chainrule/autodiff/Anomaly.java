package io.chainrule.autodiff;

import io.chainrule.autodiff.engine.Frames;
import io.chainrule.autodiff.engine.Vertex;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

/**
 * Anomaly mode: while on, the first NaN or infinity produced by an operation's forward value or
 * by a gradient in backward raises {@link AnomalyException} naming the operation and the place in
 * user code where it was created. Costs a scan of every value and a stack capture per operation,
 * so it is off by default.
 *
 * <pre>{@code
 * try (Anomaly.Scope scope = Anomaly.enable()) {
 *     loss.backward();
 * }
 * }</pre>
 */
public final class Anomaly {
    private Anomaly() {
    }

    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {false});

    /** True if anomaly detection is on for this thread. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Turns anomaly detection on for this thread until the scope is closed. */
    public static Scope enable() {
        boolean[] flag = ENABLED.get();
        Scope s = new Scope(flag[0]);
        flag[0] = true;
        return s;
    }

    /** Restores the previous anomaly setting when closed. */
    public static final class Scope implements AutoCloseable {
        private final boolean previous;

        private Scope(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            ENABLED.get()[0] = previous;
        }
    }

    /** Thrown in anomaly mode at the first non-finite value. */
    public static final class AnomalyException extends ArithmeticException {
        private static final long serialVersionUID = 1L;

        AnomalyException(String message, Throwable creationSite) {
            super(message);
            if (creationSite != null) {
                initCause(creationSite);
            }
        }
    }

    /** Checks a forward value when anomaly mode is on. */
    public static void checkForward(String op, Tensor value) {
        if (isEnabled()) {
            int bad = value.firstNonFinite();
            if (bad >= 0) {
                Throwable site = new Throwable("created here");
                throw new AnomalyException("forward of '" + op + "' produced " + value.getFlat(bad)
                        + " at flat index " + bad + " of its output of shape " + Shape.format(value.shape())
                        + "; created at " + userFrame(site), site);
            }
        }
    }

    static void checkBackward(Vertex node, int input, Tensor grad) {
        int bad = grad.firstNonFinite();
        if (bad >= 0) {
            Throwable site = node.creationSite();
            throw new AnomalyException("backward of '" + node.name() + "' produced " + grad.getFlat(bad)
                    + " in the gradient of its input " + input + " (shape " + Shape.format(grad.shape())
                    + ", flat index " + bad + "); the op was created at "
                    + (site == null ? "an unknown place (anomaly mode was off when it was recorded)" : userFrame(site)),
                    site);
        }
    }

    /** The first stack frame outside chainrule's autodiff internals (tests count as user code). */
    static String userFrame(Throwable t) {
        return Frames.user(t);
    }
}
