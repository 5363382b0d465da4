package io.chainrule.rnn;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.testing.BuiltInCells;
import io.chainrule.rnn.testing.CellCheck;
import io.chainrule.rnn.testing.CellProblem;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

/**
 * For every built-in cell and a user-defined one: BPTT gradients of every parameter and of the
 * initial state equal central finite differences (max relative error 1e-6, {@link GradCheck}'s
 * definition), for random sizes, batch, length and weights; and the kit's one call
 * ({@link CellCheck}) passes every cell under every kind of strategy.
 */
public class CellGradientProperties {

    public static final double TOLERANCE = 1e-6;

    public static Cell cell(String name, int in, int hidden, long seed) {
        return name.equals("mgu") ? new MinimalGatedUnit(in, hidden, seed) : BuiltInCells.create(name, in, hidden, seed);
    }

    public static final List<String> ALL = List.of("linear", "rnn", "gru", "lstm", "mgu");

    @Property(tries = 15)
    void bpttGradientsOfEveryCellEqualFiniteDifferences(@ForAll @IntRange(min = 1, max = 6) int in,
                                                        @ForAll @IntRange(min = 1, max = 6) int hidden,
                                                        @ForAll @IntRange(min = 1, max = 6) int batch,
                                                        @ForAll @IntRange(min = 1, max = 20) int steps,
                                                        @ForAll long seed) {
        for (String name : ALL) {
            CellProblem p = CellProblem.random(cell(name, in, hidden, seed), batch, steps, seed);
            GradCheck.check(() -> p.loss(Bptt.full()), p.parameters()).assertClose(TOLERANCE);
        }
    }

    @Property(tries = 3)
    void everyCellPassesTheKitsCheckUnderEveryKindOfStrategy(@ForAll @IntRange(min = 1, max = 4) int in,
                                                             @ForAll @IntRange(min = 1, max = 4) int hidden,
                                                             @ForAll long seed) {
        for (String name : ALL) {
            CellCheck.check(cell(name, in, hidden, seed), seed).assertClose(TOLERANCE);
        }
    }
}
