package io.chainrule.autodiff;

import io.chainrule.autodiff.testing.RandomGraph;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shapes and values for the gradient properties, and the tolerance they share. */
public final class TestTensors {
    private TestTensors() {
    }

    /** The project's requirement: float64 central differences agree with backward to 1e-6 per entry. */
    public static final double TOLERANCE = 1e-6;

    /** Shapes of rank {@code minRank..maxRank} with dimensions 1..5. */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank) {
        return Arbitraries.integers().between(1, 5).array(int[].class).ofMinSize(minRank).ofMaxSize(maxRank);
    }

    /** Entries uniform in [lo, hi). */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.uniform(seed, lo, hi, shape);
    }

    /** Entries with magnitude uniform in [min, max) and a random sign: away from a kink at 0. */
    public static Tensor awayFromZero(long seed, double min, double max, int... shape) {
        Random r = new Random(seed);
        double[] d = new double[Shape.size(shape)];
        for (int i = 0; i < d.length; i++) {
            double m = min + (max - min) * r.nextDouble();
            d[i] = r.nextBoolean() ? m : -m;
        }
        return Tensor.wrap(d, shape);
    }

    /** {@link RandomGraph#broadcastOperand}. */
    public static int[] broadcastOperand(int[] shape, Random random) {
        return RandomGraph.broadcastOperand(shape, random);
    }

    /**
     * Asserts, when grad mode is on (the recorded call of a gradient check), that {@code y} was
     * produced by a recorded {@code op}, so that a property cannot pass without exercising it.
     */
    public static Var recorded(Var y, Class<? extends Op> op) {
        if (GradMode.isEnabled()) {
            assertTrue(op.isInstance(y.creator()), () -> "expected the output of " + op.getSimpleName() + " but got "
                    + (y.creator() == null ? "no recorded op" : y.creator().name()));
        }
        return y;
    }
}
