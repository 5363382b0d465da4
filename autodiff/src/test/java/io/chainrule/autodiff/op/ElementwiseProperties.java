package io.chainrule.autodiff.op;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.TestTensors;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;
import java.util.function.BinaryOperator;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static io.chainrule.autodiff.TestTensors.awayFromZero;
import static io.chainrule.autodiff.TestTensors.recorded;
import static io.chainrule.autodiff.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Elementwise primitives: backward equals central finite differences (relative error at most
 * 1e-6 per entry, {@link GradCheck}) on random shapes of rank 0..3 and random values kept away
 * from kinks and singularities.
 */
class ElementwiseProperties {

    @Provide
    Arbitrary<int[]> shapes() {
        return TestTensors.shapes(0, 3);
    }

    /** Integer exponents (any sign of base) and fractional ones (positive base). */
    @Provide
    Arbitrary<Double> exponents() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-3, 3).map(Integer::doubleValue),
                Arbitraries.doubles().between(-2.5, 2.5).ofScale(3));
    }

    @Property(tries = 60)
    @Covers(Neg.class)
    void negGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll long seed) {
        GradCheck.check(x -> recorded(Ops.neg(x[0]), Neg.class), uniform(seed, -3, 3, shape)).assertClose(TOLERANCE);
    }

    @Property(tries = 100)
    @Covers(Pow.class)
    void powGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll("exponents") double p,
                                             @ForAll long seed) {
        boolean integer = p == Math.rint(p);
        Tensor x = integer ? awayFromZero(seed, 0.3, 2.0, shape) : uniform(seed, 0.3, 2.5, shape);
        GradCheck.check(v -> recorded(Ops.pow(v[0], p), Pow.class), x).assertClose(TOLERANCE);
    }

    /**
     * Regression (found by the property above): x^0.001 has values about 1 and slopes about
     * 1e-3, so rounding its outputs moved the differences by more than the floor allowed until
     * GradCheck discounted the outputs' round-off.
     */
    @Example
    @Covers(Pow.class)
    void powWithATinyExponentIsCheckedDespiteTheOutputsRoundOff() {
        powGradientMatchesFiniteDifferences(new int[] {2, 3, 4}, 0.001, -1L);
        powGradientMatchesFiniteDifferences(new int[] {5, 4, 5}, 0.001, -135L);
    }

    /**
     * At x = 0 the derivative of x^p is infinite for p in (0, 1), but for a non-negative integer
     * p it is finite and must not come out NaN: 0 for p = 0 (a constant), 1 for p = 1, 0 for
     * p ≥ 2. The rule p·x^(p-1) evaluated literally gives 0·∞ = NaN for p = 0.
     */
    @Property(tries = 30)
    @Covers(Pow.class)
    void powWithANonNegativeIntegerExponentHasAFiniteGradientAtZero(@ForAll("shapes") int[] shape,
                                                                    @ForAll @IntRange(max = 4) int p,
                                                                    @ForAll long seed) {
        Tensor x = uniform(seed, -2, 2, shape);
        x.setFlatInPlace(0, 0.0);
        Var v = Var.param(x);
        Ops.sum(Ops.pow(v, p)).backward();
        for (int i = 0; i < x.size(); i++) {
            double xi = x.getFlat(i);
            double want = p == 0 ? 0 : p * Math.pow(xi, p - 1);
            assertEquals(want, v.grad().getFlat(i), 1e-12 * Math.max(1, Math.abs(want)),
                    "d/dx x^" + p + " at " + xi);
        }
    }

    /** Regression (found by the property above): pow(x, 0) at x = 0 had gradient NaN. */
    @Example
    @Covers(Pow.class)
    void powWithExponentZeroHasZeroGradientAtZero() {
        powWithANonNegativeIntegerExponentHasAFiniteGradientAtZero(new int[0], 0, 0L);
        powWithANonNegativeIntegerExponentHasAFiniteGradientAtZero(new int[] {3, 2}, 0, 2411650044874622645L);
    }

    @Property(tries = 60)
    @Covers(Exp.class)
    void expGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll long seed) {
        GradCheck.check(x -> recorded(Ops.exp(x[0]), Exp.class), uniform(seed, -3, 3, shape)).assertClose(TOLERANCE);
    }

    @Property(tries = 60)
    @Covers(Log.class)
    void logGradientMatchesFiniteDifferencesOnPositiveInputs(@ForAll("shapes") int[] shape, @ForAll long seed) {
        GradCheck.check(x -> recorded(Ops.log(x[0]), Log.class), uniform(seed, 0.2, 5, shape)).assertClose(TOLERANCE);
    }

    @Property(tries = 60)
    @Covers(Tanh.class)
    void tanhGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll long seed) {
        GradCheck.check(x -> recorded(Ops.tanh(x[0]), Tanh.class), uniform(seed, -3, 3, shape)).assertClose(TOLERANCE);
    }

    @Property(tries = 60)
    @Covers(Sigmoid.class)
    void sigmoidGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll long seed) {
        GradCheck.check(x -> recorded(Ops.sigmoid(x[0]), Sigmoid.class), uniform(seed, -5, 5, shape))
                .assertClose(TOLERANCE);
    }

    @Property(tries = 60)
    @Covers(Relu.class)
    void reluGradientMatchesFiniteDifferencesAwayFromZero(@ForAll("shapes") int[] shape, @ForAll long seed) {
        GradCheck.check(x -> recorded(Ops.relu(x[0]), Relu.class), awayFromZero(seed, 0.05, 3, shape))
                .assertClose(TOLERANCE);
    }

    /**
     * {@code constant}: 0 if both operands are parameters, 1 if the left one is a constant, 2 if
     * the right one is (which changes what the op saves).
     */
    @Property(tries = 100)
    @Covers(Add.class)
    void addGradientMatchesFiniteDifferencesForBroadcastOperands(
            @ForAll("shapes") int[] shape, @ForAll @IntRange(min = 0, max = 2) int constant, @ForAll long seed) {
        checkBinary(Add.class, Ops::add, shape, constant, seed);
    }

    @Property(tries = 100)
    @Covers(Mul.class)
    void mulGradientMatchesFiniteDifferencesForBroadcastOperands(
            @ForAll("shapes") int[] shape, @ForAll @IntRange(min = 0, max = 2) int constant, @ForAll long seed) {
        checkBinary(Mul.class, Ops::mul, shape, constant, seed);
    }

    private static void checkBinary(Class<? extends io.chainrule.autodiff.Op> op, BinaryOperator<Var> f,
                                    int[] shape, int constant, long seed) {
        Random random = new Random(seed);
        Tensor a = uniform(random.nextLong(), -2, 2, TestTensors.broadcastOperand(shape, random));
        Tensor b = uniform(random.nextLong(), -2, 2, TestTensors.broadcastOperand(shape, random));
        if (constant == 1) {
            Var ca = Var.constant(a);
            GradCheck.check(x -> recorded(f.apply(ca, x[0]), op), b).assertClose(TOLERANCE);
        } else if (constant == 2) {
            Var cb = Var.constant(b);
            GradCheck.check(x -> recorded(f.apply(x[0], cb), op), a).assertClose(TOLERANCE);
        } else {
            GradCheck.check(x -> recorded(f.apply(x[0], x[1]), op), a, b).assertClose(TOLERANCE);
        }
    }
}
