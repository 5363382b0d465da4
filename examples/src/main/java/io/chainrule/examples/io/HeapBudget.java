package io.chainrule.examples.io;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The memory the Java heap can still give, for refusing work that cannot fit before it is
 * allocated (rather than failing half way with an {@code OutOfMemoryError}): the heap's limit
 * ({@code -Xmx}, {@link Runtime#maxMemory()}) minus what is in use now.
 */
public final class HeapBudget {
    /** The most elements one Java array (one tensor's data) may have. */
    public static final long MAX_ARRAY_ELEMENTS = Integer.MAX_VALUE - 8;

    private HeapBudget() {
    }

    /** Bytes the heap can still grow into: max − (total − free). */
    public static long available() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /** The heap's limit in bytes ({@code -Xmx}). */
    public static long limit() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The machine's physical memory in bytes, or -1 when the JVM cannot tell. */
    public static long physical() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }

    /**
     * The end of a refusal for lack of memory when {@code needed} more bytes are wanted:
     * {@code smaller} (what to make smaller), then how to raise the heap (the {@code -Xmx} that
     * covers what is in use now plus {@code needed}, plus a quarter for the garbage collector, in
     * whole GB), or, when that is more than the machine has, that it has not that much.
     */
    public static String advice(String smaller, long needed) {
        Runtime r = Runtime.getRuntime();
        double want = (r.totalMemory() - r.freeMemory() + (double) needed) * 1.25;
        long physical = physical();
        if (physical > 0 && want > physical) {
            return smaller + " (this machine has " + bytes(physical) + " of memory in all)";
        }
        long gb = Math.max(1, ((long) want + (1L << 30) - 1) >> 30);
        return smaller + ", or give Java more memory: java -Xmx" + gb + "g --add-modules jdk.incubator.vector -jar chainrule.jar ...";
    }

    /** A byte count for people: "812 bytes", "3.4 MB", "12.1 GB" (powers of 1000, like the rest of the program's output). */
    public static String bytes(long n) {
        if (n < 1000) {
            return n + " bytes";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB", "EB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}
