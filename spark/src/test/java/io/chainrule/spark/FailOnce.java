package io.chainrule.spark;

import org.apache.spark.TaskContext;

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
        return new HookedReplica(inner.create(), (i, s) -> {
            if (i == iteration && s.index() == shard && TaskContext.get().attemptNumber() == 0) {
                failures.incrementAndGet();
                throw new IllegalStateException("injected failure of shard " + shard + " at iteration " + iteration);
            }
        });
    }
}
