package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.GradMode;
import io.chainrule.rnn.CellGradientProperties;
import io.chainrule.rnn.testing.CellProblem;
import io.chainrule.rnn.testing.RnnArbitraries;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;


/**
 * Truncated and randomized BPTT (with fixed draws) compute the exact gradient of a surrogate
 * objective in which the cut edges are held constant ({@link SurrogateObjective}): before step t
 * the state s is replaced by {@code ξ_t · s + (1 - ξ_t) · s̄_t}, where {@code s̄_t} is the state's
 * value at the unperturbed parameters (a constant). Its value equals the true loss at the base
 * point, and its exact gradient scales the path from step t back into step t-1 by ξ_t: truncation
 * is ξ_t = 0 at the cuts and 1 elsewhere. Central finite differences of that surrogate must equal
 * the strategy's gradients (max relative error 1e-6), for every cell.
 */
class SurrogateGradientProperties {

    static void check(CellProblem p, BpttStrategy strategy) {
        // backward (recording) uses the strategy; the finite differences evaluate its surrogate
        GradCheck.check(p.surrogate(strategy), p.parameters())
                .assertClose(CellGradientProperties.TOLERANCE);
    }

    @Property(tries = 10)
    void truncatedGradientsEqualFiniteDifferencesOfTheSurrogate(@ForAll @IntRange(min = 1, max = 5) int in,
                                                                @ForAll @IntRange(min = 1, max = 5) int hidden,
                                                                @ForAll @IntRange(min = 1, max = 4) int batch,
                                                                @ForAll @IntRange(min = 2, max = 16) int steps,
                                                                @ForAll @IntRange(min = 1, max = 6) int tau,
                                                                @ForAll long seed) {
        for (String name : CellGradientProperties.ALL) {
            CellProblem p = CellProblem.random(CellGradientProperties.cell(name, in, hidden, seed), batch, steps, seed);
            check(p, Bptt.truncated(tau));
        }
    }

    @Property(tries = 10)
    void randomizedGradientsWithFixedDrawsEqualFiniteDifferencesOfTheSurrogate(
            @ForAll @IntRange(min = 1, max = 5) int in, @ForAll @IntRange(min = 1, max = 5) int hidden,
            @ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 2, max = 16) int steps,
            @ForAll long seed) {
        double[] xi = RnnArbitraries.draws(seed, steps);
        for (String name : CellGradientProperties.ALL) {
            CellProblem p = CellProblem.random(CellGradientProperties.cell(name, in, hidden, seed), batch, steps, seed);
            check(p, Bptt.randomizedWithDraws(xi));
        }
    }

    @Property(tries = 5)
    void theSurrogateIsNotTheTrueObjective(@ForAll @IntRange(min = 4, max = 8) int steps, @ForAll long seed) {
        // control: with a cut, finite differences of the true loss disagree with truncated gradients
        CellProblem p = CellProblem.random(CellGradientProperties.cell("rnn", 3, 3, seed), 2, steps, seed);
        GradCheck.Report r = GradCheck.check(() -> p.loss(GradMode.isEnabled() ? Bptt.truncated(2) : Bptt.full()),
                p.parameters());
        org.junit.jupiter.api.Assertions.assertFalse(r.passed(CellGradientProperties.TOLERANCE),
                "truncated gradients must differ from the full objective's");
    }
}
