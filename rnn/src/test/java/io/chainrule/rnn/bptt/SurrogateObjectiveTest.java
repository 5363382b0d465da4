package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.cell.GruCell;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scales ξ_t each strategy puts on the state's gradient path, and the surrogate's value at the base point. */
class SurrogateObjectiveTest {

    @Test
    void fullBpttScalesNothing() {
        assertArrayEquals(new double[] {1, 1, 1, 1}, SurrogateObjective.gradientScales(Bptt.full(), 4));
    }

    @Test
    void checkpointedBpttScalesNothing() {
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, SurrogateObjective.gradientScales(Bptt.parse("checkpoint:slots=2", 0L), 5));
        assertArrayEquals(new double[] {1, 1, 1}, SurrogateObjective.gradientScales(Bptt.parse("checkpoint:sqrt", 0L), 3));
    }

    @Test
    void truncationCutsBeforeEveryMultipleOfTau() {
        assertArrayEquals(new double[] {1, 1, 1, 0, 1, 1, 0}, SurrogateObjective.gradientScales(Bptt.truncated(3), 7));
        assertArrayEquals(new double[] {1, 1}, SurrogateObjective.gradientScales(Bptt.truncated(5), 2));
    }

    @Test
    void randomizedTruncationWithFixedDrawsScalesByItsDraws() {
        assertArrayEquals(new double[] {2, 0, 1.25}, SurrogateObjective.gradientScales(Bptt.randomizedWithDraws(2, 0, 1.25, 4), 3));
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> SurrogateObjective.gradientScales(Bptt.randomizedWithDraws(2, 0), 3));
        assertTrue(few.getMessage().contains("2 fixed draws") && few.getMessage().contains("3 steps"), few.getMessage());
    }

    @Test
    void seededRandomizedTruncationDrawsAtEveryCallAndRemembersTheLastDraws() {
        BpttStrategy r = Bptt.randomized(0.5, 1L);
        double[] first = SurrogateObjective.gradientScales(r, 40);
        double[] second = SurrogateObjective.gradientScales(r, 40);
        assertFalse(java.util.Arrays.equals(first, second), "fresh draws at every unroll");
        assertArrayEquals(second, Bptt.lastDraws(r));
        for (double x : second) {
            assertTrue(x == 0.0 || x == 2.0, "xi is 0 or 1/pi, got " + x);
        }
    }

    @Test
    void aStrategyThatGivesTheWrongScalesIsNamed() {
        BpttStrategy custom = new BpttStrategy() {
            @Override
            public double[] gradientScales(int steps) {
                return new double[] {1, -1, 1};
            }

            @Override
            public String name() {
                return "mine";
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SurrogateObjective.gradientScales(custom, 3));
        assertTrue(e.getMessage().contains("'mine'") && e.getMessage().contains("-1.0") && e.getMessage().contains("step 1"),
                e.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> SurrogateObjective.gradientScales(custom, 4));
        assertTrue(count.getMessage().contains("'mine'") && count.getMessage().contains("3 gradient scales for 4 steps"),
                count.getMessage());
    }

    @Test
    void theSurrogateHasTheLossValueAtTheBasePoint() {
        Cell cell = new GruCell(3, 4, 5L);
        OutputLayer head = new OutputLayer(4, 2, true, 6L);
        Var x = Var.constant(Tensor.randn(7L, 1.0, 9, 2, 3));
        Tensor y = Tensor.randn(8L, 1.0, 9, 2, 2);
        State initial = State.of(Var.constant(Tensor.randn(9L, 0.5, 2, 4)));
        List<State> base = SurrogateObjective.enteringStates(cell, x, initial);
        assertEquals(9, base.size());
        try (NoGrad scope = NoGrad.enter()) {
            double loss = loss(cell, head, x, y, initial, Bptt.full());
            // ξ in {0, 1}: the surrogate's value is bitwise the loss; other ξ only round differently
            assertEquals(loss, surrogate(cell, head, x, y, initial,
                    SurrogateObjective.gradientScales(Bptt.truncated(2), 9), base), 0.0);
            assertEquals(loss, surrogate(cell, head, x, y, initial,
                    new double[] {2, 0, 1.25, 4, 0, 2, 2, 1, 0}, base), 1e-14 * Math.abs(loss));
        }
    }

    private static double surrogate(Cell cell, OutputLayer head, Var x, Tensor y, State initial, double[] xi,
                                    List<State> base) {
        return Unroll.surrogateLoss(cell, x, initial, (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), xi, base)
                .loss().value().item();
    }

    private static double loss(Cell cell, OutputLayer head, Var x, Tensor y, State initial, BpttStrategy strategy) {
        return Unroll.loss(cell, x, initial, (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), strategy)
                .loss().value().item();
    }
}
