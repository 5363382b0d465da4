package io.chainrule.core.kernel;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Random;

/**
 * Not a test: times the float32 256³ product with B as stored and transposed, and the packing of
 * B's six column panels alone in each layout, in one JVM, alternating (the figures quoted in
 * {@link FloatBlocked#packColumns}). Run after {@code mvn -B -q -DskipTests package}:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp core/target/classes:core/target/test-classes \
 *     io.chainrule.core.kernel.TransposedPackingProbe
 * </pre>
 */
public final class TransposedPackingProbe {
    private static final int N = 256;
    private static final int ROUNDS = 30;
    private static final int WARMUP_ROUNDS = 10;
    private static final int CALLS = 200;

    private TransposedPackingProbe() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        Random r = new Random(1);
        float[] a = new float[N * N];
        float[] b = new float[N * N];
        float[] c = new float[N * N];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
            b[i] = r.nextFloat() - 0.5f;
        }
        // a packer of its own (the product's is the thread's), holding B as a product would
        Constructor<FloatBlocked> make = FloatBlocked.class.getDeclaredConstructor();
        make.setAccessible(true);
        FloatBlocked packer = make.newInstance();
        Field operand = FloatBlocked.class.getDeclaredField("b");
        operand.setAccessible(true);
        operand.set(packer, b);
        String[] names = {"product NN", "product NT", "packing NN", "packing NT"};
        double[][] us = new double[names.length][ROUNDS];
        for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
            for (int w = 0; w < names.length; w++) {
                long t0 = System.nanoTime();
                for (int call = 0; call < CALLS; call++) {
                    switch (w) {
                        case 0 -> FloatBlocked.product(false, false, N, N, N, a, 0, N, null, b, 0, N, null, c, 0, N, 1, false);
                        case 1 -> FloatBlocked.product(false, true, N, N, N, a, 0, N, null, b, 0, N, null, c, 0, N, 1, false);
                        default -> packPanels(packer, w == 3);
                    }
                }
                if (round >= WARMUP_ROUNDS) {
                    us[w][round - WARMUP_ROUNDS] = (System.nanoTime() - t0) / 1e3 / CALLS;
                }
            }
        }
        System.out.println("float32 " + N + "³, " + Kernels.describe() + "; medians of " + ROUNDS + " rounds of "
                + CALLS + " calls (quartiles)");
        for (int w = 0; w < names.length; w++) {
            double[] s = us[w].clone();
            Arrays.sort(s);
            System.out.printf("  %-11s %7.1f us (%.1f-%.1f)%n", names[w], s[ROUNDS / 2], s[ROUNDS / 4], s[3 * ROUNDS / 4]);
        }
    }

    /** B's column panels as the 256³ product packs them: 4 of 48 columns, 2 of 32 (narrow panels). */
    private static void packPanels(FloatBlocked packer, boolean transposed) {
        int col = 0;
        for (int width : new int[] {48, 48, 48, 48, 32, 32}) {
            packer.packColumns(transposed, 0, N, null, 0, N, col, width, 0);
            col += width;
        }
    }
}
