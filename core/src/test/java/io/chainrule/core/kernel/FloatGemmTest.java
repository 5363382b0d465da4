package io.chainrule.core.kernel;

import io.chainrule.core.Parallelism;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The float32 product: every kernel gives, bit for bit, the contract's chain of float fused
 * multiply-adds (written out here, independently of the kernels), on every path (ragged edges,
 * transposes, accumulation, offsets and leading dimensions, gathered rows, threads), and that
 * chain is as accurate as its error bound says.
 */
class FloatGemmTest {

    private static final GemmKernel SCALAR = new ScalarGemm();

    /**
     * One float product with random contents: operands and C inside larger arrays (at an offset,
     * with padded leading dimensions), every element of C's array random so that writes outside
     * the m x n window show.
     */
    static final class Problem {
        final boolean transA;
        final boolean transB;
        final boolean accumulate;
        final int m;
        final int n;
        final int k;
        final float[] a;
        final float[] b;
        final float[] c0;
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
            lda = (transA ? m : k) + padding(r);
            ldb = (transB ? k : n) + padding(r);
            ldc = n + padding(r);
            aOff = r.nextInt(10);
            bOff = r.nextInt(10);
            cOff = r.nextInt(10);
            a = values(r, aOff + (transA ? k : m) * lda + r.nextInt(5));
            b = values(r, bOff + (transB ? n : k) * ldb + r.nextInt(5));
            c0 = values(r, cOff + m * ldc + r.nextInt(5));
        }

        private static int padding(Random r) {
            return r.nextInt(4) == 0 ? 0 : r.nextInt(r.nextBoolean() ? 4 : 40);
        }

        private static float[] values(Random r, int length) {
            float[] v = new float[length];
            for (int i = 0; i < length; i++) {
                v[i] = r.nextInt(8) == 0 ? 0.0f : (float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(9) - 4));
            }
            return v;
        }

        float opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        /** C's whole array after the kernel ran. */
        float[] run(GemmKernel kernel) {
            float[] c = c0.clone();
            kernel.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return c;
        }

        /** The contract itself: C's whole array with each element one chain of float FMAs in increasing p. */
        float[] chainOfFmas() {
            float[] c = c0.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float s = accumulate ? c0[cOff + i * ldc + j] : 0.0f;
                    for (int p = 0; p < k; p++) {
                        s = Math.fma(opA(i, p), opB(p, j), s);
                    }
                    c[cOff + i * ldc + j] = s;
                }
            }
            return c;
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets=" + aOff + "," + bOff + "," + cOff
                    + (accumulate ? " accumulate" : "");
        }
    }

    private static void assertBitwiseEqual(float[] want, float[] got, Problem pr, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                int idx = i;
                int rel = i - pr.cOff;
                fail(() -> what + " " + pr + ": element " + idx + " (row " + Math.floorDiv(rel, pr.ldc) + ", column "
                        + Math.floorMod(rel, pr.ldc) + ") is " + got[idx] + ", the chain of float FMAs gives " + want[idx]);
            }
        }
    }

    /** The vector kernel splitting every product it can, or the active kernel without the Vector API module. */
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

    /** The chain of FMAs from every kernel, on 1, 2 and 3 threads; C outside its window untouched (compared whole). */
    private static void checkEveryKernel(Problem pr, int maxThreads) {
        float[] want = pr.chainOfFmas();
        assertBitwiseEqual(want, pr.run(SCALAR), pr, SCALAR.name());
        assertBitwiseEqual(want, pr.run(Kernels.gemm()), pr, Kernels.gemm().name());
        GemmKernel eager = eagerlyParallelKernel();
        int before = Parallelism.threads();
        try {
            for (int threads = 1; threads <= maxThreads; threads++) {
                Parallelism.setThreads(threads);
                assertBitwiseEqual(want, pr.run(eager), pr, eager.name() + " on " + threads + " threads");
            }
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Property(tries = 300)
    void smallAndRaggedFloatProductsAreTheChainOfFloatFmas(
            @ForAll @IntRange(min = 0, max = 70) int m,
            @ForAll @IntRange(min = 0, max = 70) int n,
            @ForAll @IntRange(min = 0, max = 70) int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        checkEveryKernel(new Problem(m, n, k, transA, transB, accumulate, seed), 2);
    }

    /**
     * Sizes that cross every block of the packed kernel (k beyond a block of steps, m beyond a
     * block of rows, n over several panels, with every width of a last panel), either side the
     * small one.
     */
    @Property(tries = 16)
    void largerFloatProductsAreTheChainOfFloatFmasOnOneToThreeThreads(
            @ForAll @IntRange(min = 1, max = 300) int m,
            @ForAll @IntRange(min = 130, max = 300) int n,
            @ForAll @IntRange(min = 200, max = 600) int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        boolean tall = (seed & 1) == 0;
        checkEveryKernel(new Problem(tall ? n : m, tall ? m : n, k, transA, transB, accumulate, seed), 3);
    }

    /**
     * Regression: with rows beyond one block (m > 128) the packed panels of B lie side by side;
     * a last four vectors taken as two panels of two once made the second panel overwrite the
     * third (found on doubles, 293 x 56 x 53 NT; these are the float forms: 4 vectors of 16 left).
     */
    @Example
    void panelsOfTwoVectorsOnSeveralBlocksOfRowsKeepTheirPlace() {
        for (int n : new int[] {64, 112, 160}) {
            for (boolean transB : new boolean[] {false, true}) {
                checkEveryKernel(new Problem(293, n, 53, false, transB, false, 77 + n), 2);
            }
        }
    }

    /** The recurrent step's products at H = 1024: h·W_hhᵀ (computed transposed), g·W_hh, and a staged gᵀ·h. */
    @Example
    void theRecurrentStepsProductsAtHiddenSize1024AreTheChainOfFloatFmas() {
        checkEveryKernel(new Problem(32, 1024, 1024, false, true, true, 5), 2);
        checkEveryKernel(new Problem(32, 1024, 1024, false, false, false, 6), 2);
        checkEveryKernel(new Problem(1024, 1024, 40, true, false, true, 7), 1);
    }

    /**
     * The chain of k float FMAs (from +0 or c0) is within {@code γ_k · (|c0| + Σ_p |a_ip b_pj|)} of
     * the exact product, {@code γ_k = k·u / (1 - k·u)}, {@code u = 2^-24}: each step rounds once,
     * {@code s_p = (a_p b_p + s_{p-1})(1 + δ_p)} with {@code |δ_p| ≤ u}, so the result is
     * {@code c0·Π(1+δ) + Σ_p a_p b_p Π_{q≥p}(1+δ_q)} and {@code |Π_{j≤k}(1+δ_j) - 1| ≤ γ_k}
     * (Higham, Accuracy and Stability of Numerical Algorithms, Lemma 3.1). Measured against a
     * float64 reference (products of floats are exact in double; its own sum is within
     * {@code γ_k} of double precision, added to the bound), plus {@code k · 2^-149} for steps
     * whose result is subnormal (absolute error, not relative).
     */
    @Property(tries = 60)
    void floatProductsAreWithinTheErrorBoundOfTheirChainOfFmas(
            @ForAll @IntRange(min = 1, max = 40) int m,
            @ForAll @IntRange(min = 1, max = 40) int n,
            @ForAll @IntRange(min = 0, max = 700) int k,
            @ForAll boolean transA, @ForAll boolean transB, @ForAll boolean accumulate, @ForAll long seed) {
        Problem pr = new Problem(m, n, k, transA, transB, accumulate, seed);
        float[] got = pr.run(Kernels.gemm());
        double gammaFloat = k * 0x1p-24 / (1 - k * 0x1p-24);
        double gammaDouble = k * 0x1p-53 / (1 - k * 0x1p-53);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int idx = pr.cOff + i * pr.ldc + j;
                double exact = accumulate ? pr.c0[idx] : 0.0;
                double scale = Math.abs(exact);
                for (int p = 0; p < k; p++) {
                    double product = (double) pr.opA(i, p) * pr.opB(p, j);
                    exact = Math.fma(pr.opA(i, p), (double) pr.opB(p, j), exact);
                    scale += Math.abs(product);
                }
                double bound = (gammaFloat + gammaDouble) * scale + k * 0x1p-149;
                double error = Math.abs(got[idx] - exact);
                if (!(error <= bound)) {
                    int ii = i;
                    int jj = j;
                    double want = exact;
                    fail(() -> pr + ": C[" + ii + "," + jj + "] = " + got[idx] + ", float64 reference " + want
                            + ", error " + error + " beyond the bound " + bound);
                }
            }
        }
    }

    /**
     * Rows gathered from where they lie (scattered, in any order, some used twice, with other data
     * around them) give bitwise the float product of the rows copied one under the other, on 1 to
     * 3 threads, for every kernel; C outside its window is untouched.
     */
    @Property(tries = 60)
    void gatheredFloatRowsGiveBitwiseTheProductOfTheRowsCopied(
            @ForAll @IntRange(min = 1, max = 150) int m,
            @ForAll @IntRange(min = 1, max = 150) int n,
            @ForAll @IntRange(min = 0, max = 400) int k,
            @ForAll boolean accumulate, @ForAll long seed) {
        Random r = new Random(seed);
        int slotsA = k + 3;
        int slotsB = k + 5;
        float[] a = randomArray(r, slotsA * (m + 2) + 7);
        float[] b = randomArray(r, slotsB * (n + 1) + 3);
        int[] aRows = new int[k + r.nextInt(3)];
        int[] bRows = new int[k + r.nextInt(3)];
        float[] copiedA = new float[Math.max(1, k * m)];
        float[] copiedB = new float[Math.max(1, k * n)];
        for (int p = 0; p < k; p++) {
            aRows[p] = 7 + r.nextInt(slotsA) * (m + 2) - r.nextInt(3); // may overlap the slot before
            bRows[p] = 3 + r.nextInt(slotsB) * (n + 1);
            System.arraycopy(a, aRows[p], copiedA, p * m, m);
            System.arraycopy(b, bRows[p], copiedB, p * n, n);
        }
        int ldc = n + r.nextInt(3);
        int cOff = r.nextInt(5);
        float[] c0 = randomArray(r, cOff + m * ldc + 2);
        float[] want = c0.clone();
        SCALAR.gemm(true, false, m, n, k, copiedA, 0, m, copiedB, 0, n, want, cOff, ldc, accumulate);
        int before = Parallelism.threads();
        try {
            for (GemmKernel kernel : new GemmKernel[] {SCALAR, Kernels.gemm(), eagerlyParallelKernel()}) {
                for (int threads = 1; threads <= 3; threads++) {
                    Parallelism.setThreads(threads);
                    float[] got = c0.clone();
                    kernel.gemmGatheredRows(m, n, k, a, aRows, b, bRows, got, cOff, ldc, accumulate);
                    for (int i = 0; i < got.length; i++) {
                        if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
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

    private static float[] randomArray(Random r, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void specialFloatValuesPropagateLikeTheScalarKernel() {
        float inf = Float.POSITIVE_INFINITY;
        float[] a = {Float.NaN, 1, inf, 0, -0.0f, 2, 3e38f, 3e38f, Float.MIN_VALUE};
        float[] b = {0.0f, 1, 3e38f, -0.0f, Float.NEGATIVE_INFINITY, 3, 2, 0.5f, -0.0f};
        for (GemmKernel kernel : new GemmKernel[] {Kernels.gemm(), eagerlyParallelKernel()}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] want = new float[9];
                    float[] got = new float[9];
                    SCALAR.gemm(ta, tb, 3, 3, 3, a, 0, 3, b, 0, 3, want, 0, 3, false);
                    kernel.gemm(ta, tb, 3, 3, 3, a, 0, 3, b, 0, 3, got, 0, 3, false);
                    for (int i = 0; i < 9; i++) {
                        // NaN payloads may differ with operand order inside the hardware: compare as values
                        assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                                kernel.name() + " " + ta + "," + tb + " element " + i + ": " + got[i] + " vs " + want[i]);
                    }
                }
            }
        }
    }

    @Test
    void anEmptyInnerDimensionGivesZerosOrLeavesTheFloats() {
        for (GemmKernel kernel : new GemmKernel[] {Kernels.gemm(), SCALAR}) {
            float[] c = {5, 5, 5, 5, 5, 5};
            kernel.gemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 3, true);
            assertTrue(java.util.Arrays.equals(new float[] {5, 5, 5, 5, 5, 5}, c), kernel.name());
            kernel.gemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 3, false);
            assertTrue(java.util.Arrays.equals(new float[] {0, 0, 5, 0, 0, 5}, c), kernel.name());
        }
    }

    @Test
    void badFloatArgumentsAreRejectedWithTheirValues() {
        for (GemmKernel kernel : new GemmKernel[] {Kernels.gemm(), SCALAR}) {
            float[] a = new float[6];
            float[] b = new float[6];
            float[] c = new float[4];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(false, false, 2, -1, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
            assertTrue(e.getMessage().contains("n=-1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(true, false, 2, 2, 3, a, 0, 1, b, 0, 2, c, 0, 2, false));
            assertTrue(e.getMessage().contains("A (stored transposed) is 1") && e.getMessage().contains("2 stored columns"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(false, false, 2, 2, 3, a, 0, 3, b, 1, 2, c, 0, 2, false));
            assertTrue(e.getMessage().contains("needs 7") && e.getMessage().contains("holds 6"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, (float[]) null, 0, 2, false));
            assertTrue(e.getMessage().contains("C is null"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> kernel.gemmGatheredRows(2, 2, 2, a, new int[] {0, 5}, b, new int[] {0, 2}, c, 0, 2, false));
            assertTrue(e.getMessage().contains("gathered row 1 of A starts at 5"), e.getMessage());
        }
    }
}
