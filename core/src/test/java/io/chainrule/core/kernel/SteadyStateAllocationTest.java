package io.chainrule.core.kernel;

import io.chainrule.core.Parallelism;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Once the JIT has compiled them, the vector kernels allocate nothing per call on one thread:
 * the float activations (widened to double vectors and narrowed back in registers) and the float
 * and double products (packing buffers are kept per thread). A Vector API value the JIT cannot keep
 * in a register becomes a heap object per vector, and the kernels then run several times slower:
 * this is how that shows (it happened with a vector chosen by a conditional expression, and with
 * a second float species in use).
 */
class SteadyStateAllocationTest {
    /** How long the JIT may take to compile the kernels on a loaded machine. */
    private static final long DEADLINE_NANOS = 120_000_000_000L;

    @Test
    void vectorKernelsAllocateNothingOnceCompiled() throws Throwable {
        assumeTrue(Kernels.activations().name().startsWith("vector") && Kernels.gemm().name().startsWith("vector"),
                "the vector kernels are not in use (no jdk.incubator.vector module)");
        MethodHandle allocated = allocatedBytes();
        long thread = Thread.currentThread().getId();
        float[] xf = new float[4099];
        float[] yf = new float[4099];
        for (int i = 0; i < xf.length; i++) {
            xf[i] = (float) (4 * Math.sin(i));
        }
        float[] af = new float[64 * 96];
        float[] bf = new float[96 * 256];
        float[] cf = new float[64 * 256];
        double[] ad = new double[64 * 96];
        double[] bd = new double[96 * 256];
        double[] cd = new double[64 * 256];
        int before = Parallelism.threads();
        Parallelism.setThreads(1);
        try {
            long emptyWindow = Long.MAX_VALUE;
            long window = Long.MAX_VALUE;
            long start = System.nanoTime();
            while (System.nanoTime() - start < DEADLINE_NANOS) {
                long t0 = (long) allocated.invokeExact(thread);
                long t1 = (long) allocated.invokeExact(thread);
                emptyWindow = Math.min(emptyWindow, t1 - t0);
                for (int call = 0; call < 50; call++) {
                    Kernels.activations().tanh(xf, 1, yf, 0, 4096);
                    Kernels.activations().sigmoid(xf, 0, yf, 2, 4097);
                    Kernels.activations().exp(xf, 3, xf, 3, 4096);
                    Kernels.gemm().gemm(false, true, 64, 256, 96, af, 0, 96, bf, 0, 96, cf, 0, 256, false);
                    Kernels.gemm().gemm(true, false, 64, 256, 96, af, 0, 64, bf, 0, 256, cf, 0, 256, true);
                    Kernels.gemm().gemm(false, false, 64, 256, 96, ad, 0, 96, bd, 0, 256, cd, 0, 256, false);
                }
                long t2 = (long) allocated.invokeExact(thread);
                window = t2 - t1;
                if (window <= emptyWindow) {
                    return;
                }
            }
            fail("50 calls of the float activations and the products still allocated " + window + " bytes (an empty window: "
                    + emptyWindow + ") after " + DEADLINE_NANOS / 1_000_000_000L + " s");
        } finally {
            Parallelism.setThreads(before);
        }
    }

    /** {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes(long)} as {@code (long) -> long}, boxing nothing. */
    private static MethodHandle allocatedBytes() throws ReflectiveOperationException {
        Class<?> bean = Class.forName("com.sun.management.ThreadMXBean");
        MethodHandle h = MethodHandles.publicLookup().findVirtual(bean, "getThreadAllocatedBytes",
                MethodType.methodType(long.class, long.class));
        return h.bindTo(ManagementFactory.getThreadMXBean());
    }
}
