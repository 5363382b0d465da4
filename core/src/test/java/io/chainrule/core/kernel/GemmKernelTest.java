package io.chainrule.core.kernel;

import io.chainrule.core.Parallelism;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class GemmKernelTest {

    private static final GemmKernel SCALAR = new ScalarGemm();

    /**
     * One product with random contents: operands and C live inside larger arrays (at an offset,
     * with padded leading dimensions), and every element of C's array starts at a random value so
     * that writes outside the m x n window show.
     */
    static final class Problem {
        final boolean transA;
        final boolean transB;
        final boolean accumulate;
        final int m;
        final int n;
        final int k;
        final double[] a;
        final double[] b;
        final double[] c0;
        final int aOff;
        final int bOff;
        final int cOff;
        final int lda;
        final int ldb;
        final int ldc;

        Problem(int m, int n, int k, boolean transA, boolean transB, boolean accumulate, long seed) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.transA = transA;
            this.transB = transB;
            this.accumulate = accumulate;
            Random r = new Random(seed);
            int aRows = transA ? k : m;
            int aCols = transA ? m : k;
            int bRows = transB ? n : k;
            int bCols = transB ? k : n;
            lda = aCols + padding(r);
            ldb = bCols + padding(r);
            ldc = n + padding(r);
            aOff = r.nextInt(10);
            bOff = r.nextInt(10);
            cOff = r.nextInt(10);
            a = values(r, aOff + aRows * lda + r.nextInt(5));
            b = values(r, bOff + bRows * ldb + r.nextInt(5));
            c0 = values(r, cOff + m * ldc + r.nextInt(5));
        }

        private static int padding(Random r) {
            return r.nextInt(4) == 0 ? 0 : r.nextInt(r.nextBoolean() ? 4 : 40);
        }

        private static double[] values(Random r, int length) {
            double[] v = new double[length];
            for (int i = 0; i < length; i++) {
                v[i] = r.nextInt(8) == 0 ? 0.0 : r.nextGaussian() * Math.scalb(1.0, r.nextInt(9) - 4);
            }
            return v;
        }

        double opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        double opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** C's whole array after the kernel ran. */
        double[] run(GemmKernel kernel) {
            double[] c = c0.clone();
            kernel.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return c;
        }

        boolean inWindow(int index) {
            if (m == 0 || n == 0) {
                return false;
            }
            int rel = index - cOff;
            return rel >= 0 && rel / ldc < m && rel % ldc < n;
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets=" + aOff + "," + bOff + "," + cOff
                    + (accumulate ? " accumulate" : "");
        }
    }

    /** The product against a naive triple loop, within 1e-12 of the sum of |a_ip b_pj| (plus |c_ij|). */
    private static void assertCloseToNaive(Problem pr, double[] got, String who) {
        for (int i = 0; i < pr.m; i++) {
            for (int j = 0; j < pr.n; j++) {
                int idx = pr.cOff + i * pr.ldc + j;
                double sum = pr.accumulate ? pr.c0[idx] : 0.0;
                double scale = Math.abs(sum);
                for (int p = 0; p < pr.k; p++) {
                    sum += pr.opA(i, p) * pr.opB(p, j);
                    scale += Math.abs(pr.opA(i, p) * pr.opB(p, j));
                }
                double want = sum;
                double tolerance = 1e-12 * scale;
                if (!(Math.abs(got[idx] - want) <= tolerance)) {
                    int ii = i;
                    int jj = j;
                    fail(() -> who + " " + pr + ": C[" + ii + "," + jj + "] = " + got[idx] + ", naive " + want
                            + ", tolerance " + tolerance);
                }
            }
        }
    }

    private static void assertBitwiseEqual(double[] want, double[] got, Problem pr, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
                int idx = i;
                int rel = i - pr.cOff;
                fail(() -> what + " " + pr + ": element " + idx + " (row " + Math.floorDiv(rel, pr.ldc) + ", column "
                        + Math.floorMod(rel, pr.ldc) + ") is " + got[idx] + ", expected " + want[idx]);
            }
        }
    }

    private static void assertPaddingUntouched(Problem pr, double[] got, String who) {
        for (int i = 0; i < got.length; i++) {
            if (!pr.inWindow(i) && Double.doubleToRawLongBits(got[i]) != Double.doubleToRawLongBits(pr.c0[i])) {
                int idx = i;
                fail(() -> who + " " + pr + " wrote element " + idx + " of C's array, outside the m x n window");
            }
        }
    }

    private static void checkActiveKernel(Problem pr) {
        GemmKernel active = Kernels.gemm();
        double[] got = pr.run(active);
        double[] scalar = pr.run(SCALAR);
        assertCloseToNaive(pr, scalar, SCALAR.name());
        assertCloseToNaive(pr, got, active.name());
        assertPaddingUntouched(pr, scalar, SCALAR.name());
        assertPaddingUntouched(pr, got, active.name());
        // Both compute each element as the same chain of fused multiply-adds in increasing p.
        assertBitwiseEqual(scalar, got, pr, active.name() + " against scalar");
    }

    @Property(tries = 400)
    void smallAndRaggedProductsMatchTheNaiveLoopAndTheScalarKernel(
            @ForAll @IntRange(min = 0, max = 70) int m,
            @ForAll @IntRange(min = 0, max = 70) int n,
            @ForAll @IntRange(min = 0, max = 70) int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        checkActiveKernel(new Problem(m, n, k, transA, transB, accumulate, seed));
    }

    @Property(tries = 12)
    void largerProductsMatchTheNaiveLoopAndTheScalarKernel(
            @ForAll @IntRange(min = 1, max = 320) int m,
            @ForAll @IntRange(min = 200, max = 320) int n,
            @ForAll @IntRange(min = 250, max = 600) int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        // k beyond one block of the packed kernel; m and n take turns being the small side
        boolean tall = (seed & 1) == 0;
        checkActiveKernel(new Problem(tall ? n : m, tall ? m : n, k, transA, transB, accumulate, seed));
    }

    /**
     * Regression: with rows beyond one block (m > 128) the packed panels of B lie side by side;
     * a last four vectors of columns taken as two panels of two once made the second panel
     * overwrite the third (293 x 56 x 53 NT: panels of 24, 16 and 16 columns).
     */
    @Example
    void panelsOfTwoVectorsOnSeveralBlocksOfRowsKeepTheirPlace() {
        for (int n : new int[] {32, 56, 80}) {
            for (boolean transB : new boolean[] {false, true}) {
                checkActiveKernel(new Problem(293, n, 53, false, transB, false, 11 + n));
            }
        }
    }

    /**
     * The vector kernel splitting every product it can (at least one flop per thread), or the
     * active kernel on a JVM without the Vector API module.
     */
    private static GemmKernel eagerlyParallelKernel() {
        if (!Kernels.gemm().name().startsWith("vector")) {
            return Kernels.gemm();
        }
        try {
            var ctor = Class.forName("io.chainrule.core.kernel.VectorGemm").getDeclaredConstructor(long.class);
            return (GemmKernel) ctor.newInstance(1L);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 60)
    void resultsAreBitwiseIdenticalForOneTwoAndThreeThreads(
            @ForAll @IntRange(min = 1, max = 150) int m,
            @ForAll @IntRange(min = 1, max = 150) int n,
            @ForAll @IntRange(min = 1, max = 300) int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        Problem pr = new Problem(m, n, k, transA, transB, accumulate, seed);
        GemmKernel kernel = eagerlyParallelKernel();
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            double[] one = pr.run(kernel);
            Parallelism.setThreads(2);
            double[] two = pr.run(kernel);
            Parallelism.setThreads(3);
            double[] three = pr.run(kernel);
            assertBitwiseEqual(one, two, pr, kernel.name() + " with 2 threads against 1");
            assertBitwiseEqual(one, three, pr, kernel.name() + " with 3 threads against 1");
            assertBitwiseEqual(pr.run(SCALAR), one, pr, kernel.name() + " against scalar");
        } finally {
            Parallelism.setThreads(before);
        }
    }

    /**
     * Rows gathered from where they lie (scattered, in any order, some used twice, A and B each in
     * one array with other data around them) give bitwise the product on those rows copied one
     * under the other, on 1 to 3 threads, for every kernel; and C outside its window is untouched.
     */
    @Property(tries = 80)
    void gatheredRowsGiveBitwiseTheProductOfTheRowsCopied(
            @ForAll @IntRange(min = 1, max = 70) int m,
            @ForAll @IntRange(min = 1, max = 70) int n,
            @ForAll @IntRange(min = 0, max = 600) int k,
            @ForAll boolean accumulate, @ForAll long seed) {
        Random r = new Random(seed);
        int slotsA = k + 3;
        int slotsB = k + 5;
        double[] a = randomArray(r, slotsA * (m + 2) + 7);
        double[] b = randomArray(r, slotsB * (n + 1) + 3);
        int[] aRows = new int[k + r.nextInt(3)];
        int[] bRows = new int[k + r.nextInt(3)];
        double[] copiedA = new double[Math.max(1, k * m)];
        double[] copiedB = new double[Math.max(1, k * n)];
        for (int p = 0; p < k; p++) {
            aRows[p] = 7 + r.nextInt(slotsA) * (m + 2) - r.nextInt(3); // may overlap the slot before
            bRows[p] = 3 + r.nextInt(slotsB) * (n + 1);
            System.arraycopy(a, aRows[p], copiedA, p * m, m);
            System.arraycopy(b, bRows[p], copiedB, p * n, n);
        }
        int ldc = n + r.nextInt(3);
        int cOff = r.nextInt(5);
        double[] c0 = randomArray(r, cOff + m * ldc + 2);
        double[] want = c0.clone();
        SCALAR.gemm(true, false, m, n, k, copiedA, 0, m, copiedB, 0, n, want, cOff, ldc, accumulate);
        int before = Parallelism.threads();
        try {
            for (GemmKernel kernel : new GemmKernel[] {SCALAR, Kernels.gemm(), eagerlyParallelKernel()}) {
                for (int threads = 1; threads <= 3; threads++) {
                    Parallelism.setThreads(threads);
                    double[] got = c0.clone();
                    kernel.gemmGatheredRows(m, n, k, a, aRows, b, bRows, got, cOff, ldc, accumulate);
                    for (int i = 0; i < got.length; i++) {
                        if (Double.doubleToRawLongBits(got[i]) != Double.doubleToRawLongBits(want[i])) {
                            fail(kernel.name() + " on " + threads + " threads, m=" + m + " n=" + n + " k=" + k
                                    + (accumulate ? " accumulating" : "") + ": element " + i + " is " + got[i]
                                    + ", the product of the copied rows gives " + want[i]);
                        }
                    }
                }
            }
        } finally {
            Parallelism.setThreads(before);
        }
    }

    private static double[] randomArray(Random r, int length) {
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    @Test
    void gatheredRowsOutsideTheirArrayAreRejectedWithTheirValues() {
        double[] a = new double[20];
        double[] b = new double[20];
        double[] c = new double[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.gemm().gemmGatheredRows(2, 2, 2, a, new int[] {0, 19}, b, new int[] {0, 2}, c, 0, 2, false));
        assertTrue(e.getMessage().contains("gathered row 1 of A starts at 19"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.gemm().gemmGatheredRows(2, 2, 3, a, new int[] {0, 2, 4}, b, new int[] {0, 2}, c, 0, 2, false));
        assertTrue(e.getMessage().contains("need 3 row offsets, got 2"), e.getMessage());
    }

    @Test
    void aLargeProductIsBitwiseIdenticalOnOneAndTwoThreads() {
        // big enough for the default split threshold of the active kernel
        Problem pr = new Problem(256, 256, 256, false, true, false, 42);
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            double[] one = pr.run(Kernels.gemm());
            Parallelism.setThreads(2);
            double[] two = pr.run(Kernels.gemm());
            assertBitwiseEqual(one, two, pr, Kernels.gemm().name() + " with 2 threads against 1");
            assertBitwiseEqual(pr.run(SCALAR), one, pr, Kernels.gemm().name() + " against scalar");
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void specialValuesPropagateLikeTheScalarKernel() {
        double[] a = {Double.NaN, 1, Double.POSITIVE_INFINITY, 0, -0.0, 2, 1e308, 1e308, Double.MIN_VALUE};
        double[] b = {0.0, 1, 1e308, -0.0, Double.NEGATIVE_INFINITY, 3, 2, 0.5, -0.0};
        for (GemmKernel kernel : new GemmKernel[] {Kernels.gemm(), eagerlyParallelKernel()}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    double[] want = new double[9];
                    double[] got = new double[9];
                    SCALAR.gemm(ta, tb, 3, 3, 3, a, 0, 3, b, 0, 3, want, 0, 3, false);
                    kernel.gemm(ta, tb, 3, 3, 3, a, 0, 3, b, 0, 3, got, 0, 3, false);
                    for (int i = 0; i < 9; i++) {
                        // NaN payloads may differ with operand order inside the hardware: compare as values
                        assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
                                kernel.name() + " " + ta + "," + tb + " element " + i + ": " + got[i] + " vs " + want[i]);
                    }
                }
            }
        }
    }

    @Test
    void emptyInnerDimensionGivesZerosOrLeavesC() {
        double[] c = {5, 5, 5, 5, 5, 5};
        Kernels.gemm().gemm(false, false, 2, 2, 0, new double[0], 0, 0, new double[0], 0, 2, c, 0, 3, true);
        assertTrue(Arrays.equals(new double[] {5, 5, 5, 5, 5, 5}, c));
        Kernels.gemm().gemm(false, false, 2, 2, 0, new double[0], 0, 0, new double[0], 0, 2, c, 0, 3, false);
        assertTrue(Arrays.equals(new double[] {0, 0, 5, 0, 0, 5}, c));
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        for (GemmKernel kernel : new GemmKernel[] {Kernels.gemm(), SCALAR}) {
            double[] a = new double[6];
            double[] b = new double[6];
            double[] c = new double[4];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(false, false, -1, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
            assertTrue(e.getMessage().contains("m=-1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(false, false, 2, 2, 3, a, 0, 2, b, 0, 2, c, 0, 2, false));
            assertTrue(e.getMessage().contains("of A is 2") && e.getMessage().contains("3 stored columns"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(false, true, 2, 2, 3, a, 0, 3, b, 1, 3, c, 0, 2, false));
            assertTrue(e.getMessage().contains("B (stored transposed)") && e.getMessage().contains("needs 7")
                    && e.getMessage().contains("holds 6"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, -1, 2, false));
            assertTrue(e.getMessage().contains("offset of C is negative: -1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, null, 0, 2, false));
            assertTrue(e.getMessage().contains("C is null"), e.getMessage());
        }
    }

    @Test
    void kernelChoiceMatchesTheJvm() {
        String name = Kernels.gemm().name();
        if (Kernels.VECTOR_MODULE_PRESENT && !"scalar".equals(System.getProperty("chainrule.kernels"))) {
            assertTrue(name.startsWith("vector"), name);
        } else {
            assertEquals("scalar", name);
        }
    }
}
