package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Ops#dropout}: the mask is drawn from {@link Rng#current()}, one uniform per mask element in
 * row-major order, an element kept (scaled by 1/(1 − p)) when its draw is at least p; the value is
 * x ⊙ mask and x's gradient the incoming gradient ⊙ mask. The expected mask is rebuilt here from
 * the same draws, replayed from a snapshot of the stream.
 */
class DropoutTest {

    /** The mask the documented rule gives for the next {@code n} draws, without consuming them. */
    private static double[] expectedMask(int n, double p) {
        Rng rng = Rng.current();
        Rng.State at = rng.snapshot();
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = rng.nextDouble() >= p ? 1.0 / (1.0 - p) : 0.0;
        }
        rng.restore(at);
        return m;
    }

    @Test
    void theValueAndGradientAreXAndTheIncomingGradientTimesTheMask() {
        Rng.current().setSeed(77);
        double p = 0.3;
        Tensor xv = Tensor.uniform(1, -1, 1, 6, 7);
        Tensor c = Tensor.uniform(2, -1, 1, 6, 7);
        Var x = Var.param(xv.copy(), "x");
        Tensor mask = Tensor.wrap(expectedMask(42, p), 6, 7);
        Rng.State start = Rng.current().snapshot();
        Var y = Ops.dropout(x, p);
        String after = Rng.current().snapshot().toString();
        Rng.current().restore(start);
        for (int i = 0; i < 42; i++) {
            Rng.current().nextDouble();
        }
        assertEquals(Rng.current().snapshot().toString(), after, "dropout draws one uniform per element");
        y.mul(Var.constant(c)).sum().backward();
        assertTrue(y.value().bitwiseEquals(xv.mul(mask)), "value");
        assertTrue(x.grad().bitwiseEquals(c.mul(mask)), "gradient");
        int dropped = 0;
        for (int i = 0; i < 42; i++) {
            dropped += mask.getFlat(i) == 0.0 ? 1 : 0;
        }
        assertTrue(dropped > 0 && dropped < 42, "some elements dropped, not all: " + dropped);
    }

    @Test
    void aBroadcastMaskDropsTheSameUnitsAtEveryStep() {
        Rng.current().setSeed(78);
        double p = 0.5;
        Tensor xv = Tensor.uniform(3, -1, 1, 4, 2, 5);
        Tensor c = Tensor.uniform(4, -1, 1, 4, 2, 5);
        Var x = Var.param(xv.copy(), "x");
        double[] m = expectedMask(10, p);
        Tensor mask = Tensor.wrap(m, 1, 2, 5);
        Var y = Ops.dropout(x, p, 1, 2, 5);
        y.mul(Var.constant(c)).sum().backward();
        Tensor full = Tensor.zeros(4, 2, 5).add(mask);
        assertTrue(y.value().bitwiseEquals(xv.mul(full)), "value");
        assertTrue(x.grad().bitwiseEquals(c.mul(full)), "gradient");
    }

    @Test
    void pZeroReturnsXAndDrawsNothing() {
        Rng.current().setSeed(79);
        Var x = Var.param(Tensor.uniform(5, -1, 1, 3, 3), "x");
        String before = Rng.current().snapshot().toString();
        assertSame(x, Ops.dropout(x, 0.0));
        assertEquals(before, Rng.current().snapshot().toString());
    }

    @Test
    void drawsEqualToPAreKept() {
        // the rule is 'kept when the draw is at least p': with p at the first draw's value, that element is kept
        Rng.current().setSeed(80);
        Rng.State at = Rng.current().snapshot();
        double first = Rng.current().nextDouble();
        Rng.current().restore(at);
        Var x = Var.param(Tensor.ones(1, 1), "x");
        Var y = Ops.dropout(x, first);
        assertEquals(1.0 / (1.0 - first), y.value().getFlat(0));
    }

    @Test
    void badProbabilitiesAndMaskShapesAreRefused() {
        Var x = Var.param(Tensor.ones(2, 3), "x");
        for (double p : new double[] {-0.1, 1.0, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> Ops.dropout(x, p), "p = " + p);
        }
        assertThrows(IllegalArgumentException.class, () -> Ops.dropout(x, 0.5, 3, 2));
    }
}
