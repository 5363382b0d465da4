package io.chainrule.autodiff.testing;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpointing never changes a gradient, inside any graph: random programs ({@link RandomGraph})
 * with random ranges of their steps run inside checkpoints ({@link RandomGraph.CheckpointPlan}:
 * one or two ranges, sometimes a nested one, earlier values taken as inputs or captured, outputs
 * read by several later steps, a captured value and an input returned unchanged) give bitwise the
 * values and leaf gradients of the same program without checkpoints, and their gradients equal
 * finite differences.
 */
class CheckpointedGraphProperties {

    @Property(tries = 300)
    void checkpointedRandomGraphsGiveBitwiseTheGradientsOfTheUnwrappedGraph(
            @ForAll @IntRange(min = 2, max = 4) int leaves, @ForAll @IntRange(min = 3, max = 12) int steps,
            @ForAll long seed, @ForAll long planSeed) {
        RandomGraph graph = RandomGraph.generate(seed, leaves, steps);
        RandomGraph.CheckpointPlan plan = graph.checkpointPlan(planSeed);
        List<Var> plain = graph.parameters();
        List<Var> wrapped = graph.parameters();
        Var y = graph.evaluate(plain);
        Var yc = graph.evaluateCheckpointed(wrapped, plan);
        String what = graph + "\n" + plan;
        assertTrue(y.value().bitwiseEquals(yc.value()), () -> "values differ\n" + what);
        Tensor v = Tensor.randn(seed ^ planSeed, 1.0, y.shape());
        y.backward(v);
        yc.backward(v);
        for (int i = 0; i < plain.size(); i++) {
            Tensor a = plain.get(i).grad();
            Tensor b = wrapped.get(i).grad();
            int leaf = i;
            assertTrue(a == null ? b == null : b != null && a.bitwiseEquals(b),
                    () -> "leaf " + leaf + ": gradient " + a + " without checkpoints, " + b + " with\n" + what);
        }
    }

    @Property(tries = 30)
    void gradientsOfCheckpointedRandomGraphsMatchFiniteDifferences(
            @ForAll @IntRange(min = 2, max = 4) int leaves, @ForAll @IntRange(min = 3, max = 12) int steps,
            @ForAll long seed, @ForAll long planSeed) {
        RandomGraph graph = RandomGraph.generate(seed, leaves, steps);
        RandomGraph.CheckpointPlan plan = graph.checkpointPlan(planSeed);
        List<Var> params = graph.parameters();
        graph.evaluate(graph.parameters()); // the detach steps hold their values from a recorded call
        GradCheck.Report report = GradCheck.check(() -> graph.evaluateCheckpointed(params, plan), params);
        assertTrue(report.passed(TOLERANCE), () -> graph + "\n" + plan + "\n" + report);
    }

    /** The plans exercise what they are for: outputs with several consumers, nesting, returned captured values and inputs. */
    @Example
    void thePlansCoverOutputsWithSeveralConsumersNestingAndReturnedValues() {
        int several = 0;
        int nested = 0;
        int captured = 0;
        int inputs = 0;
        for (long seed = 0; seed < 100; seed++) {
            RandomGraph graph = RandomGraph.generate(seed, 3, 10);
            RandomGraph.CheckpointPlan plan = graph.checkpointPlan(seed + 7);
            several += graph.hasOutputWithSeveralConsumers(plan) ? 1 : 0;
            for (RandomGraph.Range r : plan.ranges) {
                nested += r.nested != null ? 1 : 0;
                captured += r.returnsCaptured >= 0 ? 1 : 0;
                inputs += r.returnsInput >= 0 ? 1 : 0;
            }
        }
        int[] counts = {several, nested, captured, inputs};
        assertTrue(several >= 30 && nested >= 10 && captured >= 10 && inputs >= 10, java.util.Arrays.toString(counts));
    }
}
