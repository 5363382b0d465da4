package io.chainrule.benchmarks;

import io.chainrule.core.Parallelism;
import io.chainrule.core.kernel.GemmKernel;
import io.chainrule.core.kernel.Kernels;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The Java side of the peer comparison {@code benchmarks/peer/matmul.py}: times chainrule's
 * matrix product ({@link Kernels#gemm()}) on request, so that the script can alternate it with
 * PyTorch's (OpenBLAS) on the same shapes in one sitting.
 *
 * <p>Reads one request a line on standard input, {@code PRECISION LAYOUT M K N CALLS} (for
 * example {@code f32 NT 32 1024 1024 20}: float32, A stored as is, B stored transposed, C of
 * 32 x 1024, inner size 1024, 20 calls), and answers with one line: the nanoseconds each call
 * took, separated by spaces. The operands of each workload are made once (Gaussian, seed 1) and
 * kept. The first line written is the kernel description; {@code chainrule.threads} (default 1)
 * sets the threads.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar io.chainrule.benchmarks.MatMulPeer</pre>
 */
public final class MatMulPeer {
    private MatMulPeer() {
    }

    /** One workload's operands and result, in one precision. */
    private static final class Workload {
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final double[] a;
        final double[] b;
        final double[] c;
        final float[] af;
        final float[] bf;
        final float[] cf;

        Workload(boolean f32, String layout, int m, int k, int n) {
            if (!layout.matches("[NT][NT]")) {
                throw new IllegalArgumentException("layout must be NN, NT, TN or TT, got " + layout);
            }
            if (m <= 0 || n <= 0 || k <= 0) {
                throw new IllegalArgumentException("sizes must be positive, got " + m + " x " + k + " x " + n);
            }
            this.transA = layout.charAt(0) == 'T';
            this.transB = layout.charAt(1) == 'T';
            this.m = m;
            this.n = n;
            this.k = k;
            Random r = new Random(1);
            double[] a0 = gaussian(r, m * k);
            double[] b0 = gaussian(r, k * n);
            this.a = f32 ? null : a0;
            this.b = f32 ? null : b0;
            this.c = f32 ? null : new double[m * n];
            this.af = f32 ? narrow(a0) : null;
            this.bf = f32 ? narrow(b0) : null;
            this.cf = f32 ? new float[m * n] : null;
        }

        long call(GemmKernel kernel) {
            int lda = transA ? m : k;
            int ldb = transB ? k : n;
            long t0 = System.nanoTime();
            if (c != null) {
                kernel.gemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
            } else {
                kernel.gemm(transA, transB, m, n, k, af, 0, lda, bf, 0, ldb, cf, 0, n, false);
            }
            return System.nanoTime() - t0;
        }
    }

    private static double[] gaussian(Random r, int length) {
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    private static float[] narrow(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) x[i];
        }
        return y;
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty(Parallelism.THREADS_PROPERTY) == null) {
            Parallelism.setThreads(1);
        }
        GemmKernel kernel = Kernels.gemm();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("chainrule " + Kernels.describe() + ", threads " + Parallelism.threads());
        Map<String, Workload> workloads = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] w = line.trim().split("\\s+");
            if (w.length != 6 || !(w[0].equals("f64") || w[0].equals("f32"))) {
                out.println("error: expected PRECISION(f64|f32) LAYOUT M K N CALLS, got '" + line + "'");
                continue;
            }
            String key = String.join(" ", w[0], w[1], w[2], w[3], w[4]);
            Workload work;
            try {
                work = workloads.computeIfAbsent(key, x -> new Workload(w[0].equals("f32"), w[1],
                        Integer.parseInt(w[2]), Integer.parseInt(w[3]), Integer.parseInt(w[4])));
            } catch (IllegalArgumentException e) {
                out.println("error: " + e.getMessage());
                continue;
            }
            int calls = Integer.parseInt(w[5]);
            StringBuilder times = new StringBuilder();
            for (int i = 0; i < calls; i++) {
                times.append(i == 0 ? "" : " ").append(work.call(kernel));
            }
            out.println(times);
        }
    }
}
