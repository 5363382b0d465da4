package io.chainrule.rnn.layers;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.rnn.CellGradientProperties;
import io.chainrule.rnn.testing.CellProblem;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.bptt.SurrogateObjective;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Random;

/**
 * 2- and 3-layer stacks of every built-in cell (and of a user's cell) agree with central finite
 * differences (max relative error 1e-6) under every strategy: full, truncated, randomized with
 * fixed draws (against the surrogate objective, as for one layer) and checkpointed; with dropout
 * between the layers too, since {@code GradCheck} rewinds the thread's random stream before each
 * evaluation and so every evaluation draws the same masks.
 */
class StackedCellGradientProperties {

    static final String[] CELLS = {"linear", "rnn", "gru", "lstm", "mgu"};

    static void check(CellProblem p, BpttStrategy strategy) {
        GradCheck.check(SurrogateObjective.loss(p.cell(), p.inputs(), p.initial(), p.stepLoss(), strategy), p.parameters())
                .assertClose(CellGradientProperties.TOLERANCE);
    }

    static double[] draws(int steps, long seed) {
        Random r = new Random(seed);
        double[] xi = new double[steps];
        for (int t = 0; t < steps; t++) {
            double pi = new double[] {0.25, 0.5, 0.8, 1.0}[r.nextInt(4)];
            xi[t] = r.nextDouble() < pi ? 1.0 / pi : 0.0;
        }
        return xi;
    }

    @Property(tries = 3)
    void stacksOfEveryCellAgreeWithFiniteDifferencesUnderEveryStrategy(@ForAll @IntRange(min = 2, max = 3) int layers,
                                                                       @ForAll @IntRange(min = 1, max = 3) int in,
                                                                       @ForAll @IntRange(min = 1, max = 3) int hidden,
                                                                       @ForAll @IntRange(min = 1, max = 2) int batch,
                                                                       @ForAll @IntRange(min = 2, max = 6) int steps,
                                                                       @ForAll @IntRange(min = 1, max = 4) int tau,
                                                                       @ForAll long seed) {
        List<BpttStrategy> strategies = List.of(Bptt.full(), Bptt.truncated(tau), Bptt.randomizedWithDraws(draws(steps, seed)),
                Bptt.checkpointed(Schedule.everyK(2)), Bptt.checkpointed(Bptt.truncated(tau), Schedule.optimal(2)));
        for (String name : CELLS) {
            CellProblem p = CellProblem.random(Stacks.stack(name, in, hidden, layers, seed), batch, steps, seed);
            for (BpttStrategy s : strategies) {
                check(p, s);
            }
        }
    }

    @Property(tries = 3)
    void stacksWithDropoutBetweenLayersAgreeWithFiniteDifferences(@ForAll @IntRange(min = 2, max = 3) int layers,
                                                                  @ForAll @IntRange(min = 1, max = 3) int hidden,
                                                                  @ForAll @IntRange(min = 2, max = 6) int steps,
                                                                  @ForAll long seed) {
        Rng.current().setSeed(seed);
        for (String name : Stacks.BUILT_IN) {
            StackedCell stack = Stacks.stack(name, 2, hidden, layers, seed).withDropout(0.4);
            CellProblem p = CellProblem.random(stack, 2, steps, seed);
            check(p, Bptt.full());
            check(p, Bptt.checkpointed(Schedule.sqrtT()));
            check(p, Bptt.truncated(2));
        }
    }
}
