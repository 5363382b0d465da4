package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.CellGradientProperties;
import io.chainrule.rnn.testing.CellProblem;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.cell.LinearCell;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The strategies over their parameters, not at one value: randomized truncation for any keep
 * probability π (constant or a per-step schedule), where {@code 1/π} and {@code 1/(1 − π)} differ
 * unless π = 0.5; checkpointed BPTT for any schedule and length.
 */
class StrategyParameterProperties {

    /** Every draw ξ_t is 0 or exactly 1/π_t, and 1/π_t about π_t of the time (within 5 binomial standard deviations). */
    @Property(tries = 25)
    void randomizedTruncationDrawsZeroOrOneOverPiWithProbabilityPi(
            @ForAll @DoubleRange(min = 0.05, max = 1.0) double pi, @ForAll boolean schedule, @ForAll long seed) {
        int steps = 100;
        int unrolls = 5;
        double[] pis = new double[steps];
        Random r = new Random(seed);
        for (int t = 0; t < steps; t++) {
            pis[t] = schedule ? 0.05 + 0.95 * r.nextDouble() : pi;
        }
        BpttStrategy strategy = schedule ? Bptt.randomized(pis, seed) : Bptt.randomized(pi, seed);
        Cell cell = new LinearCell(1, 1, seed);
        double kept = 0;
        double expected = 0;
        double variance = 0;
        for (int u = 0; u < unrolls; u++) {
            Unroll.loss(cell, Var.constant(Tensor.ones(steps, 1, 1)), Unroll.zeroState(cell, 1),
                    (t, h) -> Ops.sum(h), strategy);
            double[] xi = Bptt.lastDraws(strategy);
            assertEquals(steps, xi.length);
            for (int t = 0; t < steps; t++) {
                int at = t;
                assertTrue(xi[t] == 0.0 || xi[t] == 1.0 / pis[t],
                        () -> "draw " + xi[at] + " at step " + at + " is neither 0 nor 1/pi = " + 1.0 / pis[at]);
                kept += xi[t] != 0.0 ? 1 : 0;
                expected += pis[t];
                variance += pis[t] * (1 - pis[t]);
            }
        }
        double k = kept;
        double e = expected;
        double sd = Math.sqrt(variance);
        assertTrue(Math.abs(kept - expected) <= 5 * sd + 1e-9,
                () -> k + " draws kept the path, expected " + e + " (standard deviation " + sd + ")");
    }

    /** A randomized unroll's gradient is bitwise the gradient of the same unroll with its draws fixed. */
    @Property(tries = 15)
    void randomizedGradientsAreTheGradientsOfTheirDraws(@ForAll @DoubleRange(min = 0.1, max = 1.0) double pi,
                                                        @ForAll @IntRange(min = 2, max = 12) int steps,
                                                        @ForAll @IntRange(min = 0, max = 4) int cellIndex,
                                                        @ForAll long seed) {
        String name = CellGradientProperties.ALL.get(cellIndex);
        BpttStrategy random = Bptt.randomized(pi, seed);
        List<Tensor> drawn = gradients(CellProblem.random(CellGradientProperties.cell(name, 3, 4, seed), 2, steps, seed), random);
        double[] xi = Bptt.lastDraws(random);
        List<Tensor> fixed = gradients(CellProblem.random(CellGradientProperties.cell(name, 3, 4, seed), 2, steps, seed),
                Bptt.randomizedWithDraws(xi));
        assertBitwise(name + " pi " + pi, drawn, fixed);
    }

    /** Checkpointed BPTT with any schedule (every k, optimal for s slots, √T, a budget) is full BPTT bit for bit, at any length. */
    @Property(tries = 15)
    void checkpointedBpttWithAnyScheduleIsFullBptt(@ForAll @IntRange(min = 1, max = 20) int steps,
                                                   @ForAll @IntRange(min = 1, max = 12) int k,
                                                   @ForAll @IntRange(min = 0, max = 3) int kind,
                                                   @ForAll @IntRange(min = 0, max = 4) int cellIndex,
                                                   @ForAll long seed) {
        String name = CellGradientProperties.ALL.get(cellIndex);
        Schedule schedule = kind == 0 ? Schedule.everyK(k) : kind == 1 ? Schedule.optimal(k)
                : kind == 2 ? Schedule.sqrtT() : Schedule.budget(k * 2L * 4 * 8 * 2, 2L * 4 * 8 * 2);
        List<Tensor> full = gradients(CellProblem.random(CellGradientProperties.cell(name, 3, 4, seed), 2, steps, seed), Bptt.full());
        List<Tensor> checkpointed = gradients(CellProblem.random(CellGradientProperties.cell(name, 3, 4, seed), 2, steps, seed),
                Bptt.checkpointed(schedule));
        assertBitwise(name + " " + schedule + " T=" + steps, full, checkpointed);
    }

    /** Truncation at any τ ≥ T is full BPTT bit for bit; at τ < T it differs from full BPTT whenever a cut matters. */
    @Property(tries = 20)
    void truncationAtAnyTauAtLeastTheLengthIsFullBptt(@ForAll @IntRange(min = 1, max = 12) int steps,
                                                      @ForAll @IntRange(min = 0, max = 5) int extra,
                                                      @ForAll @IntRange(min = 0, max = 4) int cellIndex,
                                                      @ForAll long seed) {
        String name = CellGradientProperties.ALL.get(cellIndex);
        List<Tensor> full = gradients(CellProblem.random(CellGradientProperties.cell(name, 3, 4, seed), 2, steps, seed), Bptt.full());
        List<Tensor> truncated = gradients(CellProblem.random(CellGradientProperties.cell(name, 3, 4, seed), 2, steps, seed),
                Bptt.truncated(steps + extra));
        assertBitwise(name + " tau " + (steps + extra) + " T=" + steps, full, truncated);
    }

    static List<Tensor> gradients(CellProblem p, BpttStrategy strategy) {
        p.loss(strategy).backward();
        List<Tensor> out = new ArrayList<>();
        for (Var v : p.parameters()) {
            out.add(v.grad() == null ? Tensor.zerosLike(v.value()) : v.grad());
        }
        return out;
    }

    static void assertBitwise(String what, List<Tensor> a, List<Tensor> b) {
        for (int i = 0; i < a.size(); i++) {
            int k = i;
            assertTrue(a.get(i).bitwiseEquals(b.get(i)), () -> what + ": gradient " + k + " differs: " + a.get(k)
                    + " vs " + b.get(k));
        }
    }
}
