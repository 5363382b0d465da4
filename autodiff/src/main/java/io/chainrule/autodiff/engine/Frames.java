package io.chainrule.autodiff.engine;

/** Stack frames for messages: where in user code something was created. */
public final class Frames {
    private Frames() {
    }

    /** The first stack frame outside chainrule's autodiff internals (tests count as user code). */
    public static String user(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        for (StackTraceElement e : frames) {
            String c = e.getClassName();
            boolean internal = c.startsWith("io.chainrule.autodiff.")
                    && !c.endsWith("Test") && !c.endsWith("Properties") && !c.contains("Test$");
            if (!internal) {
                return e.toString();
            }
        }
        return frames.length > 0 ? frames[frames.length - 1].toString() : "an unknown place";
    }
}
