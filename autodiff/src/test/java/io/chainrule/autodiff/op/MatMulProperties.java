package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Activation;
import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static io.chainrule.autodiff.TestTensors.recorded;
import static io.chainrule.autodiff.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The matrix product: backward equals central finite differences for every combination of
 * operand kinds (rank 1, rank 2, batched with broadcast batch axes) and transposition flags, with
 * both operands parameters or one of them data.
 */
class MatMulProperties {

    enum Kind { VECTOR, MATRIX, BATCHED }

    /** Batch shapes of rank 1..2 with dimensions 1..3 (so some batch axes broadcast). */
    @Provide
    Arbitrary<int[]> batches() {
        return Arbitraries.integers().between(1, 3).array(int[].class).ofMinSize(1).ofMaxSize(2);
    }

    @Property(tries = 25)
    @Covers(MatMul.class)
    void matmulGradientMatchesFiniteDifferencesForEveryKindAndTransposition(
            @ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 1, max = 4) int k,
            @ForAll @IntRange(min = 1, max = 4) int n, @ForAll("batches") int[] batch, @ForAll long seed) {
        Random random = new Random(seed);
        for (Kind aKind : Kind.values()) {
            for (Kind bKind : Kind.values()) {
                for (int flags = 0; flags < 4; flags++) {
                    boolean ta = (flags & 1) != 0;
                    boolean tb = (flags & 2) != 0;
                    if ((ta && aKind == Kind.VECTOR) || (tb && bKind == Kind.VECTOR)) {
                        continue; // a rank-1 operand has no transpose
                    }
                    int[] aShape = operand(aKind, ta ? new int[] {k, m} : new int[] {m, k}, k, batch, random);
                    int[] bShape = operand(bKind, tb ? new int[] {n, k} : new int[] {k, n}, k, batch, random);
                    check(uniform(random.nextLong(), -2, 2, aShape), ta, uniform(random.nextLong(), -2, 2, bShape), tb,
                            random.nextInt(3));
                }
            }
        }
    }

    /** {@link Ops#prod} of two tensors that are not scalars is the (untransposed) matrix product. */
    @Property(tries = 20)
    @Covers(MatMul.class)
    void prodOfNonScalarsIsTheMatrixProduct(@ForAll @IntRange(min = 1, max = 4) int m,
                                           @ForAll @IntRange(min = 1, max = 4) int k,
                                           @ForAll("batches") int[] batch, @ForAll long seed) {
        Random random = new Random(seed);
        for (Kind aKind : Kind.values()) {
            for (Kind bKind : Kind.values()) {
                Tensor a = uniform(random.nextLong(), -2, 2, operand(aKind, new int[] {m, k}, k, batch, random));
                Tensor b = uniform(random.nextLong(), -2, 2, operand(bKind, new int[] {k, m}, k, batch, random));
                GradCheck.check(x -> recorded(Ops.prod(x[0], x[1]), MatMul.class), a, b).assertClose(TOLERANCE);
            }
        }
    }

    /** {@code constant}: 0 both parameters, 1 the left operand is data, 2 the right one is. */
    /**
     * addmm: c + op(a)·op(b) for every transposition, with any one operand held constant; the
     * gradient equals finite differences, and the value equals c + the product to within one
     * rounding per element (the product is accumulated into c rather than added to it).
     */
    @Property(tries = 30)
    @Covers(AddMatMul.class)
    void addMatMulGradientMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 5) int m,
                                                   @ForAll @IntRange(min = 1, max = 5) int k,
                                                   @ForAll @IntRange(min = 1, max = 5) int n,
                                                   @ForAll @IntRange(min = 0, max = 3) int constant,
                                                   @ForAll long seed) {
        Random random = new Random(seed);
        for (int flags = 0; flags < 12; flags++) {
            boolean ta = (flags & 1) != 0;
            boolean tb = (flags & 2) != 0;
            // c of the product's shape, a row [n] or a row [1, n] added to every row
            int[] cShape = flags < 4 ? new int[] {m, n} : flags < 8 ? new int[] {n} : new int[] {1, n};
            Tensor c = uniform(random.nextLong(), -2, 2, cShape);
            Tensor a = uniform(random.nextLong(), -2, 2, ta ? new int[] {k, m} : new int[] {m, k});
            Tensor b = uniform(random.nextLong(), -2, 2, tb ? new int[] {n, k} : new int[] {k, n});
            Tensor want = c.add(a.matmul(ta, b, tb));
            Tensor got = Ops.addMatMul(Var.constant(c), Var.constant(a), ta, Var.constant(b), tb).value();
            double scale = a.abs().matmul(ta, b.abs(), tb).add(c.abs()).maxValue();
            assertTrue(got.maxAbsDiff(want) <= 4 * Math.ulp(1.0) * (k + 1) * scale, "addmm value");
            Tensor[] all = {c, a, b};
            GradCheck.check(x -> {
                Var[] v = new Var[3];
                for (int i = 0, j = 0; i < 3; i++) {
                    v[i] = i == constant ? Var.constant(all[i]) : x[j++];
                }
                return recorded(Ops.addMatMul(v[0], v[1], ta, v[2], tb), AddMatMul.class);
            }, constant == 0 ? new Tensor[] {a, b} : constant == 1 ? new Tensor[] {c, b}
                    : constant == 2 ? new Tensor[] {c, a} : all).assertClose(TOLERANCE);
        }
    }

    /**
     * addmm with an activation is bitwise addmm followed by that activation, in value and in every
     * gradient, whether the gradient arrives as a borrowed tensor (one use) or as a buffer the
     * engine owns and the op overwrites (two uses summed); and its gradient equals finite
     * differences.
     */
    @Property(tries = 30)
    @Covers(AddMatMul.class)
    void addMatMulWithAnActivationIsTheTwoOpsBitForBit(@ForAll @IntRange(min = 1, max = 5) int m,
                                                        @ForAll @IntRange(min = 1, max = 5) int k,
                                                        @ForAll @IntRange(min = 1, max = 5) int n,
                                                        @ForAll boolean sigmoid,
                                                        @ForAll boolean twoUses,
                                                        @ForAll long seed) {
        Random random = new Random(seed);
        Activation f = sigmoid ? Activation.SIGMOID : Activation.TANH;
        for (int flags = 0; flags < 8; flags++) {
            boolean ta = (flags & 1) != 0;
            boolean tb = (flags & 2) != 0;
            int[] cShape = flags < 4 ? new int[] {m, n} : new int[] {n};
            Tensor c = uniform(random.nextLong(), -2, 2, cShape);
            Tensor a = uniform(random.nextLong(), -2, 2, ta ? new int[] {k, m} : new int[] {m, k});
            Tensor b = uniform(random.nextLong(), -2, 2, tb ? new int[] {n, k} : new int[] {k, n});
            Tensor w1 = uniform(random.nextLong(), -1, 1, m, n);
            Tensor w2 = uniform(random.nextLong(), -1, 1, m, n);
            Tensor[] fused = valueAndGradients(c, a, ta, b, tb, w1, w2, twoUses, f, true);
            Tensor[] separate = valueAndGradients(c, a, ta, b, tb, w1, w2, twoUses, f, false);
            String what = f + " " + Arrays.toString(cShape) + (ta ? " aᵀ" : " a") + (tb ? " bᵀ" : " b");
            for (int i = 0; i < 4; i++) {
                int j = i;
                assertTrue(fused[i].bitwiseEquals(separate[i]), () -> what + ": " + (j == 0 ? "value" : "gradient " + j)
                        + " differs from addmm then " + f);
            }
            GradCheck.check(x -> recorded(Ops.addMatMul(x[0], x[1], ta, x[2], tb, f), AddMatMul.class), c, a, b)
                    .assertClose(TOLERANCE);
        }
    }

    /** y = f(c + op(a)·op(b)), as one op or as addmm then f, and dL/dc, dL/da, dL/db for L = Σ y⊙w1 (+ Σ y⊙w2). */
    private static Tensor[] valueAndGradients(Tensor c, Tensor a, boolean ta, Tensor b, boolean tb, Tensor w1, Tensor w2,
                                              boolean twoUses, Activation f, boolean fused) {
        Var vc = Var.param(c.copy(), "c");
        Var va = Var.param(a.copy(), "a");
        Var vb = Var.param(b.copy(), "b");
        Var y;
        if (fused) {
            y = recorded(Ops.addMatMul(vc, va, ta, vb, tb, f), AddMatMul.class);
        } else {
            Var z = Ops.addMatMul(vc, va, ta, vb, tb);
            y = f == Activation.TANH ? recorded(z.tanh(), Tanh.class) : recorded(z.sigmoid(), Sigmoid.class);
        }
        Var loss = y.mul(Var.constant(w1)).sum();
        if (twoUses) {
            loss = loss.add(y.mul(Var.constant(w2)).sum());
        }
        loss.backward();
        return new Tensor[] {y.value(), vc.grad(), va.grad(), vb.grad()};
    }

    @Example
    @Covers(AddMatMul.class)
    void addMatMulRejectsANullActivation() {
        Var x = Var.constant(Tensor.zeros(2, 2));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Ops.addMatMul(x, x, false, x, false, null));
        assertTrue(e.getMessage().contains("activation") && e.getMessage().contains("IDENTITY"), e.getMessage());
    }

    @Example
    @Covers(AddMatMul.class)
    void addMatMulNamesTheShapesThatDoNotFit() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Ops.addMatMul(Var.constant(Tensor.zeros(2, 3)), Var.constant(Tensor.zeros(2, 4)), false,
                        Var.constant(Tensor.zeros(4, 5)), false));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 5]"), e.getMessage());
    }

    private static void check(Tensor a, boolean ta, Tensor b, boolean tb, int constant) {
        String what = Arrays.toString(a.shape()) + (ta ? "ᵀ" : "") + " · " + Arrays.toString(b.shape()) + (tb ? "ᵀ" : "")
                + (constant == 1 ? " (left is data)" : constant == 2 ? " (right is data)" : "");
        try {
            if (constant == 1) {
                Var ca = Var.constant(a);
                GradCheck.check(x -> recorded(Ops.matmul(ca, ta, x[0], tb), MatMul.class), b).assertClose(TOLERANCE);
            } else if (constant == 2) {
                Var cb = Var.constant(b);
                GradCheck.check(x -> recorded(Ops.matmul(x[0], ta, cb, tb), MatMul.class), a).assertClose(TOLERANCE);
            } else {
                GradCheck.check(x -> recorded(Ops.matmul(x[0], ta, x[1], tb), MatMul.class), a, b)
                        .assertClose(TOLERANCE);
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The stored shape of an operand: {@code [inner]} for a vector, the matrix, or the matrix
     * behind a batch derived from {@code batch} (leading axes possibly dropped, others possibly 1,
     * at least one kept).
     */
    private static int[] operand(Kind kind, int[] matrix, int inner, int[] batch, Random random) {
        switch (kind) {
            case VECTOR:
                return new int[] {inner};
            case MATRIX:
                return matrix.clone();
            default:
                int drop = random.nextInt(batch.length);
                int[] own = Arrays.copyOfRange(batch, drop, batch.length);
                for (int i = 0; i < own.length; i++) {
                    if (random.nextInt(3) == 0) {
                        own[i] = 1;
                    }
                }
                int[] s = Arrays.copyOf(own, own.length + 2);
                s[own.length] = matrix[0];
                s[own.length + 1] = matrix[1];
                return s;
        }
    }
}
