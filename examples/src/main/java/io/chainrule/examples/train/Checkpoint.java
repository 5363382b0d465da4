package io.chainrule.examples.train;

import io.chainrule.core.Tensor;

import java.util.Map;

/**
 * What a run needs to continue exactly where it stopped: the iteration reached, the seconds spent,
 * the parameters, the optimizer's state ({@code Optimizer.state()}: step counts and moments), and
 * the state carried into the next batch of a streaming task (empty when there is none).
 */
public record Checkpoint(long iteration, double seconds, Map<String, Tensor> parameters,
                         Map<String, Tensor> optimizerState, Tensor[] carry) {
}
