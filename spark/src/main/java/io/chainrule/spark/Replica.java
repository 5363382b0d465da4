package io.chainrule.spark;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.List;

/**
 * A copy of the model in a Spark task. Made by a {@link ReplicaFactory} in the task's executor
 * and kept there for the next iterations; before each use its parameters are overwritten with
 * the driver's values, so only their number, order and shapes matter.
 */
public interface Replica {

    /** The parameters, in the same order and shapes as the driver's. */
    List<Var> parameters();

    /**
     * Differentiates this shard's share of the loss of iteration {@code iteration}'s batch and
     * leaves its gradient in the parameters' {@code grad()} (null on entry). The share must make
     * the shards add up to the batch: for a loss that is a mean over the batch's sequences, the
     * mean over the shard's sequences times {@link Shard#weight()}.
     *
     * <p>The shard's data must be a fixed function of (iteration, shard) and of nothing the
     * replica remembers from earlier calls, so that a task Spark retries, maybe on a fresh
     * replica, computes the same bits.
     *
     * @param carried the shard's rows of the state carried from the previous iteration (each
     *     tensor with the shard's rows along axis 0), or null to start from zero
     */
    ShardLoss differentiate(long iteration, Shard shard, Tensor[] carried);
}
