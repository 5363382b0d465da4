package io.chainrule.rnn.testing;

import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.Random;

/**
 * jqwik generators of the built-in cells and of BPTT strategies, for property tests of cells,
 * strategies and models. Needs jqwik on the class path (an optional dependency of chainrule).
 */
public final class RnnArbitraries {
    private RnnArbitraries() {
    }

    /** A built-in cell (any of {@link BuiltInCells#NAMES}) with sizes 1..maxInput and 1..maxHidden, seeded. */
    public static Arbitrary<Cell> builtInCells(int maxInput, int maxHidden) {
        return Combinators.combine(Arbitraries.of(BuiltInCells.NAMES), Arbitraries.integers().between(1, maxInput),
                        Arbitraries.integers().between(1, maxHidden), Arbitraries.longs())
                .as(BuiltInCells::create);
    }

    /**
     * A strategy of any kind for sequences of up to {@code maxSteps} steps: full; truncated every
     * 1..maxSteps steps; randomized truncation with fixed draws (ξ_t = 1/π or 0 for π in
     * {0.25, 0.5, 0.8, 1}); and any of those recomputed under a checkpoint schedule (every k, √T,
     * Griewank's with 1..4 slots).
     */
    public static Arbitrary<BpttStrategy> strategies(int maxSteps) {
        Arbitrary<BpttStrategy> stored = Arbitraries.oneOf(
                Arbitraries.just(Bptt.full()),
                Arbitraries.integers().between(1, maxSteps).map(Bptt::truncated),
                Arbitraries.longs().map(seed -> Bptt.randomizedWithDraws(draws(seed, maxSteps))));
        Arbitrary<Schedule> schedules = Arbitraries.oneOf(
                Arbitraries.integers().between(1, maxSteps).map(Schedule::everyK),
                Arbitraries.just(Schedule.sqrtT()),
                Arbitraries.integers().between(1, 4).map(Schedule::optimal));
        return Arbitraries.oneOf(stored,
                Combinators.combine(stored, schedules).as(Bptt::checkpointed));
    }

    /** Fixed draws of randomized truncation for {@code steps} steps: ξ_t = 1/π_t with probability π_t, else 0. */
    public static double[] draws(long seed, int steps) {
        Random r = new Random(seed);
        double[] xi = new double[steps];
        for (int t = 0; t < steps; t++) {
            double pi = new double[] {0.25, 0.5, 0.8, 1.0}[r.nextInt(4)];
            xi[t] = r.nextDouble() < pi ? 1.0 / pi : 0.0;
        }
        return xi;
    }
}
