package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.CellGradientProperties;
import io.chainrule.rnn.testing.CellProblem;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A strategy a user writes (here: cut the state's gradient before every multiple of k and halve it
 * before the step after each cut) is checked against finite differences of its surrogate objective
 * through the same path as the built-in strategies, for every cell; and recomputing it under a
 * checkpoint schedule changes no gradient bit.
 */
class UserStrategyGradientProperties {

    /** A strategy defined here, with the public interface only. */
    static BpttStrategy cutAndHalve(int k) {
        return new BpttStrategy() {
            @Override
            public double[] gradientScales(int steps) {
                double[] xi = new double[steps];
                for (int t = 0; t < steps; t++) {
                    xi[t] = t > 0 && t % k == 0 ? 0.0 : t % k == 1 ? 0.5 : 1.0;
                }
                return xi;
            }

            @Override
            public String name() {
                return "cut-and-halve:" + k;
            }
        };
    }

    @Property(tries = 8)
    void aUserStrategysGradientsEqualFiniteDifferencesOfItsSurrogate(@ForAll @IntRange(min = 1, max = 4) int in,
                                                                     @ForAll @IntRange(min = 1, max = 4) int hidden,
                                                                     @ForAll @IntRange(min = 1, max = 3) int batch,
                                                                     @ForAll @IntRange(min = 2, max = 12) int steps,
                                                                     @ForAll @IntRange(min = 2, max = 5) int k,
                                                                     @ForAll long seed) {
        for (String name : CellGradientProperties.ALL) {
            CellProblem p = CellProblem.random(CellGradientProperties.cell(name, in, hidden, seed), batch, steps, seed);
            SurrogateGradientProperties.check(p, cutAndHalve(k));
        }
    }

    @Property(tries = 8)
    void recomputingAUserStrategyChangesNoGradientBit(@ForAll @IntRange(min = 2, max = 30) int steps,
                                                      @ForAll @IntRange(min = 1, max = 4) int slots,
                                                      @ForAll long seed) {
        for (String name : CellGradientProperties.ALL) {
            CellProblem p = CellProblem.random(CellGradientProperties.cell(name, 3, 4, seed), 2, steps, seed);
            List<Tensor> stored = gradients(p, cutAndHalve(3));
            List<Tensor> recomputed = gradients(p, Bptt.checkpointed(cutAndHalve(3), Schedule.optimal(slots)));
            for (int i = 0; i < stored.size(); i++) {
                assertTrue(stored.get(i).bitwiseEquals(recomputed.get(i)), name + ": parameter " + i);
            }
        }
    }

    private static List<Tensor> gradients(CellProblem p, BpttStrategy strategy) {
        p.parameters().forEach(Var::zeroGrad);
        p.loss(strategy).backward();
        List<Tensor> out = new ArrayList<>();
        for (Var v : p.parameters()) {
            out.add(v.grad() == null ? Tensor.zeros(v.shape()) : v.grad().copy());
        }
        assertEquals(p.parameters().size(), out.size());
        return out;
    }

    /** A check that would pass for any strategy is worthless: a strategy that lies about its scales fails. */
    @Property(tries = 3)
    void aStrategyWhoseDeclaredScalesAreNotWhatItDoesFailsTheCheck(@ForAll @IntRange(min = 4, max = 8) int steps,
                                                                    @ForAll long seed) {
        CellProblem p = CellProblem.random(CellGradientProperties.cell("rnn", 3, 3, seed), 2, steps, seed);
        BpttStrategy truth = cutAndHalve(2);
        GradCheck.Report r = GradCheck.check(() -> io.chainrule.autodiff.GradMode.isEnabled() ? p.loss(truth)
                : io.chainrule.rnn.Unroll.surrogateLoss(p.cell(), p.inputs(), p.initial(), p.stepLoss(),
                SurrogateObjective.gradientScales(Bptt.full(), steps),
                SurrogateObjective.enteringStates(p.cell(), p.inputs(), p.initial())).loss(), p.parameters());
        assertTrue(!r.passed(CellGradientProperties.TOLERANCE), "gradients of cut-and-halve are not those of full BPTT");
    }
}
