package io.chainrule.rnn.bptt;

import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The bounds of the strategies' parameters: the edge values accepted, the others named in the error. */
class StrategyArgumentTest {

    private static String error(Supplier<?> make) {
        return assertThrows(IllegalArgumentException.class, make::get).getMessage();
    }

    @Test
    void aKeepProbabilityOfOneKeepsEveryStepAtScaleOne() {
        assertArrayEquals(new double[] {1, 1, 1}, Bptt.randomized(1.0, 5).gradientScales(3));
        assertArrayEquals(new double[] {1, 1}, Bptt.randomized(new double[] {1.0, 1.0}, 5).gradientScales(2));
    }

    @Test
    void aKeepProbabilityOutsideZeroToOneIsNamedAndItsStepToo() {
        assertEquals("randomized truncation: pi must be in (0, 1], got 0.0", error(() -> Bptt.randomized(0.0, 5)));
        assertEquals("randomized truncation: pi must be in (0, 1], got 1.5", error(() -> Bptt.randomized(1.5, 5)));
        assertEquals("randomized truncation: pi must be in (0, 1], got 0.0 at step 1",
                error(() -> Bptt.randomized(new double[] {0.5, 0.0}, 5)));
    }

    @Test
    void fixedDrawsMustBeFiniteAndNotNegative() {
        assertArrayEquals(new double[] {0, 2.5}, Bptt.randomizedWithDraws(0, 2.5).gradientScales(2));
        assertEquals("fixed draw xi must be finite and >= 0, got -0.5 at step 1",
                error(() -> Bptt.randomizedWithDraws(1.0, -0.5)));
        assertEquals("fixed draw xi must be finite and >= 0, got NaN at step 0",
                error(() -> Bptt.randomizedWithDraws(Double.NaN)));
        assertEquals("fixed draw xi must be finite and >= 0, got Infinity at step 2",
                error(() -> Bptt.randomizedWithDraws(1, 1, Double.POSITIVE_INFINITY)));
    }

    @Test
    void theGradientScalesOfNoStepsAreAnError() {
        assertEquals("the number of steps must be positive, got 0",
                error(() -> SurrogateObjective.gradientScales(Bptt.full(), 0)));
        assertArrayEquals(new double[] {1}, SurrogateObjective.gradientScales(Bptt.full(), 1));
    }
}
