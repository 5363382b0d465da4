package com.example;

import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.testing.CellCheck;
import io.chainrule.rnn.testing.CellProblem;
import io.chainrule.rnn.testing.RnnArbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

class MinimalGatedUnitTest {
    @Property(tries = 3)
    void gradientsMatchFiniteDifferencesUnderEveryStrategy(@ForAll @IntRange(min = 1, max = 4) int in,
            @ForAll @IntRange(min = 1, max = 4) int hidden, @ForAll long seed) {
        CellCheck.check(new MinimalGatedUnit(in, hidden, seed), seed).assertClose(1e-6);
    }

    @Property(tries = 5)
    void gradientsMatchUnderAnyGeneratedStrategy(@ForAll("strategies") BpttStrategy strategy, @ForAll long seed) {
        CellProblem problem = CellProblem.random(new MinimalGatedUnit(3, 4, seed), 2, 8, seed);
        CellCheck.check(problem, List.of(strategy)).assertClose(1e-6);
    }

    @Provide
    Arbitrary<BpttStrategy> strategies() { return RnnArbitraries.strategies(8); }
}
