package io.chainrule.autodiff.op;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static io.chainrule.autodiff.TestTensors.recorded;
import static io.chainrule.autodiff.TestTensors.uniform;

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
