package io.chainrule.spark;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.List;

/** A replica that runs {@code after} once it has differentiated its shard: tests inject failures and delays there. */
record HookedReplica(Replica inner, After after) implements Replica {

    /** What runs after the shard's gradient is in the replica's parameters. */
    interface After {
        void run(long iteration, Shard shard);
    }

    @Override
    public List<Var> parameters() {
        return inner.parameters();
    }

    @Override
    public ShardLoss differentiate(long iteration, Shard shard, Tensor[] carried) {
        ShardLoss loss = inner.differentiate(iteration, shard, carried);
        after.run(iteration, shard);
        return loss;
    }
}
