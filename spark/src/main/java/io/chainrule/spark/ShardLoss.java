package io.chainrule.spark;

import io.chainrule.core.Tensor;

/**
 * What a {@link Replica} reports for its shard: its loss (its share of the batch's loss, see
 * {@link Replica#differentiate}) and the state it carries into the next iteration, each tensor
 * with the shard's rows along axis 0 (empty when nothing is carried).
 */
public record ShardLoss(double loss, Tensor[] carry) {

    public ShardLoss {
        if (carry == null) {
            throw new IllegalArgumentException("carry must not be null (an empty array when nothing is carried)");
        }
    }
}
