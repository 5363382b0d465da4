package io.chainrule.spark;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.List;
import java.util.UUID;

/**
 * Synchronous data-parallel gradients on Apache Spark. Each {@link #gradient} call is one Spark
 * job with one task per {@link Shard} of the global batch:
 * <ol>
 *   <li>the driver broadcasts the parameters' values and the carried state (one copy per
 *       executor, not per task; each task reads its shard's rows of the state);</li>
 *   <li>task k loads them into its {@link Replica} (made once per executor and shard by the
 *       {@link ReplicaFactory}, then reused) and differentiates shard k's share of the loss, with
 *       as many engine threads as the task has cores ({@code spark.task.cpus}, 1 by default:
 *       Spark's tasks are the parallelism);</li>
 *   <li>the driver collects the tasks' losses and gradients and adds them up in shard order,
 *       shard 0 first, whatever order the tasks finished in: {@code g = ((g_0 + g_1) + g_2) + …}
 *       elementwise, and sets each parameter's {@code grad()} to the sum (null when no shard's
 *       loss reaches it).</li>
 * </ol>
 * So the same parameter values, factory, number of shards and iteration give bitwise the same
 * sums, also when Spark retries a failed task (a replica whose task failed is discarded; a
 * shard's data is a fixed function of iteration and shard). With one shard the sum is the
 * single-process gradient bit for bit; with several it differs from it only by the order of
 * floating-point additions over the batch (about 1e-16 relative).
 *
 * <p>Each task's result holds a whole gradient. Spark sends results above
 * {@code spark.task.maxDirectResultSize} (1 MB by default) through its block manager, a second
 * fetch per task; in local mode that is pure overhead (9 to 27 ms a step for the 2.2 MB gradient of
 * an LSTM with H=256 here, as {@code SparkScaling} prints it), so {@code chainrule train --spark local[N]} starts its context with the value raised
 * ({@code SparkTraining.conf}); do the same in a context of your own.
 *
 * <p>Clipping and the optimizer step stay with the caller, on the driver, as in a single-process
 * training loop:
 * <pre>{@code
 * try (DataParallel dp = new DataParallel(sc, factory, shards, batch)) {
 *     for (long i = 0; i < iterations; i++) {
 *         adam.zeroGrad();
 *         DataParallel.Result r = dp.gradient(i, parameters, carry);
 *         Clip.clipGradNorm(parameters, 1.0);
 *         adam.step();
 *         carry = r.carry();
 *     }
 * }
 * }</pre>
 */
public final class DataParallel implements AutoCloseable {
    private final JavaSparkContext spark;
    private final ReplicaFactory factory;
    private final List<Shard> shards;
    private final String training = UUID.randomUUID().toString();

    /**
     * Data-parallel gradients of batches of {@code batch} sequences split into {@code shards}
     * shards (see {@link Shard#split}), computed on {@code spark}, which the caller owns.
     */
    public DataParallel(JavaSparkContext spark, ReplicaFactory factory, int shards, int batch) {
        if (spark == null || factory == null) {
            throw new IllegalArgumentException("DataParallel needs a Spark context and a replica factory");
        }
        this.spark = spark;
        this.factory = factory;
        this.shards = Shard.split(shards, batch);
    }

    /** The shards of each batch, in order. */
    public List<Shard> shards() {
        return shards;
    }

    /**
     * The loss of the iteration's batch and the state it carries, with the shards' tensors joined
     * along axis 0 in shard order (empty when the replicas carry nothing).
     */
    public record Result(double loss, Tensor[] carry) {
    }

    /**
     * One synchronous step: the gradient of iteration {@code iteration}'s batch at the current
     * values of {@code parameters} (the driver's, in the replicas' order), left in their
     * {@code grad()}.
     *
     * @param carried the state carried into this batch (each tensor with the batch's rows along
     *     axis 0, split among the shards), or null to start from zero
     * @throws IllegalStateException if the Spark job fails (after Spark's retries), naming the
     *     iteration and Spark's reason
     */
    public Result gradient(long iteration, List<Var> parameters, Tensor[] carried) {
        int batch = shards.get(0).batch();
        if (carried != null) {
            for (int i = 0; i < carried.length; i++) {
                if (carried[i].rank() == 0 || carried[i].dim(0) != batch) {
                    throw new IllegalArgumentException("carried state part " + i + " has shape " + Shape.format(carried[i].shape())
                            + "; it must have the batch's " + batch + " rows along axis 0");
                }
            }
        }
        FlatTensor[] values = new FlatTensor[parameters.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = FlatTensor.of(parameters.get(i).value());
        }
        FlatTensor[] state = null;
        if (carried != null) {
            state = new FlatTensor[carried.length];
            for (int i = 0; i < state.length; i++) {
                state[i] = FlatTensor.of(carried[i]);
            }
        }
        Broadcast<StepInputs> broadcast = spark.broadcast(new StepInputs(values, state));
        String id = training;
        ReplicaFactory f = factory;
        List<ShardResult> results;
        try {
            // one shard per partition: shard k is partition k, and collect() returns partition k's result k-th
            results = spark.parallelize(shards, shards.size())
                    .map(s -> ShardTask.run(id, f, broadcast.value(), iteration, s))
                    .collect();
        } catch (Exception e) {   // Spark throws SparkException, a checked exception, undeclared
            throw new IllegalStateException("iteration " + iteration + ": the Spark job failed: " + reason(e), e);
        } finally {
            broadcast.destroy();
        }
        return reduce(results, parameters);
    }

    /** Adds up the shards' results in shard order into the parameters' gradients. */
    private Result reduce(List<ShardResult> results, List<Var> parameters) {
        if (results.size() != shards.size()) {
            throw new IllegalStateException("expected " + shards.size() + " shard results, got " + results.size());
        }
        double loss = 0;
        for (int k = 0; k < results.size(); k++) {
            ShardResult r = results.get(k);
            if (r.shard() != k) {
                throw new IllegalStateException("result " + k + " is shard " + r.shard() + "'s: results out of order");
            }
            loss = k == 0 ? r.loss() : loss + r.loss();
        }
        for (int p = 0; p < parameters.size(); p++) {
            Var param = parameters.get(p);
            double[] sum = null;
            for (ShardResult r : results) {
                FlatTensor g = r.gradients()[p];
                if (g == null) {
                    continue;
                }
                if (g.data().length != param.value().size()) {
                    throw new IllegalStateException("shard " + r.shard() + " sent a gradient of shape " + g.describeShape()
                            + " for parameter " + p + " (" + param.name() + ") of shape " + Shape.format(param.shape()));
                }
                if (sum == null) {
                    sum = g.data();   // ours: deserialized for this call
                } else {
                    double[] d = g.data();
                    for (int e = 0; e < sum.length; e++) {
                        sum[e] += d[e];
                    }
                }
            }
            param.setGrad(sum == null ? null : Tensor.wrap(sum, param.shape()));
        }
        return new Result(loss, joinCarry(results));
    }

    private static Tensor[] joinCarry(List<ShardResult> results) {
        int parts = results.get(0).carry().length;
        Tensor[] carry = new Tensor[parts];
        for (int i = 0; i < parts; i++) {
            Tensor[] pieces = new Tensor[results.size()];
            for (int k = 0; k < pieces.length; k++) {
                if (results.get(k).carry().length != parts) {
                    throw new IllegalStateException("shard " + k + " carries " + results.get(k).carry().length
                            + " state parts, shard 0 " + parts);
                }
                pieces[k] = results.get(k).carry()[i].tensor();
            }
            carry[i] = Tensor.concat(0, pieces);
        }
        return carry;
    }

    /** Spark's message without its driver stack trace. */
    private static String reason(Exception e) {
        Throwable t = e instanceof SparkException || e.getCause() == null ? e : e.getCause();
        String m = String.valueOf(t.getMessage());
        int cut = m.indexOf("\nDriver stacktrace:");
        return cut >= 0 ? m.substring(0, cut) : m;
    }

    /** Forgets the replicas this training left in this JVM (the driver's, in local mode); executors drop theirs when they exit. */
    @Override
    public void close() {
        ReplicaPool.drop(training);
    }

    /** How many of this training's replicas are idle in this JVM (tests). */
    int idleReplicasHere() {
        return ReplicaPool.idle(training);
    }
}
