package io.chainrule.autodiff.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of random differentiable programs ({@link RandomGraph}). Needs jqwik on the
 * class path (an optional dependency of chainrule).
 *
 * <pre>{@code
 * @Property(tries = 100)
 * void gradientsOfRandomGraphsAreRight(@ForAll("graphs") RandomGraph graph) {
 *     List<Var> leaves = graph.parameters();
 *     GradCheck.check(() -> graph.evaluate(leaves), leaves).assertClose(1e-6);
 * }
 *
 * @Provide
 * Arbitrary<RandomGraph> graphs() {
 *     return GraphArbitraries.graphs(2, 4, 3, 12);
 * }
 * }</pre>
 */
public final class GraphArbitraries {
    private GraphArbitraries() {
    }

    /** Programs over {@code minLeaves..maxLeaves} leaves with about {@code minSteps..maxSteps} steps, from a generated seed. */
    public static Arbitrary<RandomGraph> graphs(int minLeaves, int maxLeaves, int minSteps, int maxSteps) {
        if (minLeaves < 1 || maxLeaves < minLeaves || minSteps < 1 || maxSteps < minSteps) {
            throw new IllegalArgumentException("need 1 <= minLeaves <= maxLeaves and 1 <= minSteps <= maxSteps, got leaves "
                    + minLeaves + ".." + maxLeaves + ", steps " + minSteps + ".." + maxSteps);
        }
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(minLeaves, maxLeaves),
                        Arbitraries.integers().between(minSteps, maxSteps))
                .as((seed, leaves, steps) -> RandomGraph.generate(seed, leaves, steps));
    }
}
