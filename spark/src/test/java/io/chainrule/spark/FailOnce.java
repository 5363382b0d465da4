package io.chainrule.spark;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.apache.spark.TaskContext;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replicas whose first attempt at one shard of one iteration differentiates (leaving its
 * gradients in the replica) and then throws, as a task killed half way would; Spark retries it.
 * {@link #failures} counts the injected failures (tasks run in this JVM in local mode).
 */
public record FailOnce(ReplicaFactory inner, long iteration, int shard) implements ReplicaFactory {
    public static final AtomicInteger failures = new AtomicInteger();

    @Override
    public Replica create() {
        Replica r = inner.create();
        return new Replica() {
            @Override
            public List<Var> parameters() {
                return r.parameters();
            }

            @Override
            public ShardLoss differentiate(long i, Shard s, Tensor[] carried) {
                ShardLoss loss = r.differentiate(i, s, carried);
                if (i == iteration && s.index() == shard && TaskContext.get().attemptNumber() == 0) {
                    failures.incrementAndGet();
                    throw new IllegalStateException("injected failure of shard " + shard + " at iteration " + iteration);
                }
                return loss;
            }
        };
    }
}
