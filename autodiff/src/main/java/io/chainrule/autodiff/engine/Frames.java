package io.chainrule.autodiff.engine;

/** Stack frames for messages: where in user code something was created. */
public final class Frames {
    private Frames() {
    }

    /**
     * The first stack frame outside chainrule's autodiff internals (tests count as user code), as
     * {@code class.method(File.java:line)}.
     */
    public static String user(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        for (StackTraceElement e : frames) {
            String c = e.getClassName();
            boolean internal = c.startsWith("io.chainrule.autodiff.")
                    && !c.endsWith("Test") && !c.endsWith("Properties") && !c.contains("Test$");
            if (!internal) {
                return format(e);
            }
        }
        return frames.length > 0 ? format(frames[frames.length - 1]) : "an unknown place";
    }

    /** The frame without its module and class loader (which a named module adds). */
    private static String format(StackTraceElement e) {
        String where = e.getFileName() == null ? "Unknown Source"
                : e.getLineNumber() >= 0 ? e.getFileName() + ":" + e.getLineNumber() : e.getFileName();
        return e.getClassName() + "." + e.getMethodName() + "(" + where + ")";
    }
}
