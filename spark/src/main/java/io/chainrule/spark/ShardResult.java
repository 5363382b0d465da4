package io.chainrule.spark;

import java.io.Serializable;

/**
 * What a task sends back: its shard's index, loss, the gradient of each parameter (null for a
 * parameter the loss does not reach) and the state it carries.
 */
record ShardResult(int shard, double loss, FlatTensor[] gradients, FlatTensor[] carry) implements Serializable {
}
