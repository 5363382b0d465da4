package io.chainrule.spark;

import java.io.Serializable;

/** What the driver sends a task besides the broadcast parameters: its shard and the shard's carried state (null: zero). */
record ShardInput(Shard shard, FlatTensor[] carried) implements Serializable {
}
