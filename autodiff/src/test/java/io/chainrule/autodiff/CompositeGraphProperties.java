package io.chainrule.autodiff;

import io.chainrule.autodiff.testing.RandomGraph;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients of random composite graphs ({@link RandomGraph}: 2..4 leaves reused several times,
 * primitives and composites such as sub, div, mean, softmax, logSoftmax, logSumExp, mse and
 * crossEntropy, at least one {@code prod} of a random kind and one {@code detach}) equal central
 * finite differences of the surrogate objective (detached values held constant) for every leaf.
 */
class CompositeGraphProperties {

    @Property(tries = 500)
    void everyLeafGradientOfARandomGraphMatchesFiniteDifferences(
            @ForAll @IntRange(min = 2, max = 4) int leaves, @ForAll @IntRange(min = 3, max = 12) int steps,
            @ForAll long seed) {
        RandomGraph graph = RandomGraph.generate(seed, leaves, steps);
        List<Var> params = graph.parameters();
        GradCheck.Report report = GradCheck.check(() -> graph.evaluate(params), params);
        assertTrue(report.passed(TOLERANCE), () -> graph + "\n" + report);
        assertTrue(graph.detachCount() >= 1 && !graph.prodKinds().isEmpty(), graph::toString);
    }

    /**
     * Regressions: programs in which a leaf's gradient cancels exactly ({@code sub(v13, v13)};
     * logSoftmax over copies of one scalar), which failed while GradCheck's floor used each
     * input's own gradient scale.
     */
    @Example
    void leavesWhoseGradientCancelsExactlyAreChecked() {
        for (long[] c : new long[][] {{18023644L, 4, 9}, {20502291L, 2, 12}}) {
            everyLeafGradientOfARandomGraphMatchesFiniteDifferences((int) c[1], (int) c[2], c[0]);
        }
        assertTrue(RandomGraph.generate(20502291L, 2, 12).toString().contains("sub(v13, v13)"));
    }

    /** The generator reaches every kind of product within a modest number of programs. */
    @Example
    void theGeneratorCoversEveryKindOfProduct() {
        Set<RandomGraph.ProdKind> seen = EnumSet.noneOf(RandomGraph.ProdKind.class);
        for (long seed = 0; seed < 200 && seen.size() < RandomGraph.ProdKind.values().length; seed++) {
            seen.addAll(RandomGraph.generate(seed, 3, 8).prodKinds());
        }
        assertEquals(EnumSet.allOf(RandomGraph.ProdKind.class), seen);
    }
}
