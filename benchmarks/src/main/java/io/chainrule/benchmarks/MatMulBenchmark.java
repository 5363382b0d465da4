package io.chainrule.benchmarks;

import io.chainrule.core.Parallelism;
import io.chainrule.core.kernel.GemmKernel;
import io.chainrule.core.kernel.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * How many GFLOP/s does the matrix-product kernel ({@link Kernels#gemm()}) reach, in float64 and
 * float32?
 *
 * <p>Measures the average time of one {@code C = op(A) op(B)} with C of {@code M x N} and inner
 * dimension {@code K}; GFLOP/s = 2·M·N·K / time. The shapes are the 256 cube and the
 * recurrent-network shapes (M = batch 32). {@code trans} names the stored layout of A and B:
 * {@code NT} as in a recurrent step's {@code h·W_hhᵀ} (or a layer's {@code x·Wᵀ}), {@code NN} as
 * in its input gradient {@code g·W_hh}, {@code TN} as in a weight gradient {@code gᵀ·h}.
 * {@code threads} is set with {@link Parallelism#setThreads}; the kernel splits a product only
 * from 2^19 flops per thread on (2^20 in float32; 32x256x256 has 2^22, so it is split over 2
 * threads). For the comparison with OpenBLAS on the same shapes, see {@code benchmarks/peer/matmul.py}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar MatMulBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class MatMulBenchmark {

    /** M x K x N. */
    @Param({"256x256x256", "32x256x256", "32x1024x1024"})
    public String shape;

    /** Stored layout of A and B: N = as is, T = transposed. */
    @Param({"NN", "NT", "TN"})
    public String trans;

    @Param({"1", "2"})
    public int threads;

    /** f64 or f32. */
    @Param({"f64", "f32"})
    public String precision;

    private GemmKernel kernel;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private double[] a;
    private double[] b;
    private double[] c;
    private float[] af;
    private float[] bf;
    private float[] cf;

    @Setup
    public void setUp() {
        String[] mkn = shape.split("x");
        m = Integer.parseInt(mkn[0]);
        k = Integer.parseInt(mkn[1]);
        n = Integer.parseInt(mkn[2]);
        transA = trans.charAt(0) == 'T';
        transB = trans.charAt(1) == 'T';
        Parallelism.setThreads(threads);
        kernel = Kernels.gemm();
        Random r = new Random(1);
        a = new double[m * k];
        b = new double[k * n];
        c = new double[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextGaussian();
        }
        af = new float[a.length];
        bf = new float[b.length];
        cf = new float[c.length];
        for (int i = 0; i < a.length; i++) {
            af[i] = (float) a[i];
        }
        for (int i = 0; i < b.length; i++) {
            bf[i] = (float) b[i];
        }
        System.out.println();
        System.out.println("kernels: " + Kernels.describe() + ", threads " + Parallelism.threads());
    }

    @Benchmark
    public Object gemm() {
        if (precision.equals("f32")) {
            kernel.gemm(transA, transB, m, n, k,
                    af, 0, transA ? m : k,
                    bf, 0, transB ? k : n,
                    cf, 0, n, false);
            return cf;
        }
        kernel.gemm(transA, transB, m, n, k,
                a, 0, transA ? m : k,
                b, 0, transB ? k : n,
                c, 0, n, false);
        return c;
    }

    @TearDown
    public void tearDown() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }
}
