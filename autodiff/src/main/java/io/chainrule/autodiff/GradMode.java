package io.chainrule.autodiff;

/**
 * Whether operations on this thread record the graph. On by default; {@link NoGrad} turns it off
 * for a scope. Recording happens only when it is on and at least one input requires a gradient.
 */
public final class GradMode {
    private GradMode() {
    }

    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    /** True if operations on this thread currently record the graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    static boolean set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return previous;
    }
}
