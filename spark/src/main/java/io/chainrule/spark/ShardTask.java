package io.chainrule.spark;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Parallelism;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import org.apache.spark.TaskContext;

import java.util.List;

/** What one Spark task runs: its shard's gradient on a replica holding the driver's parameter values. */
final class ShardTask {
    private ShardTask() {
    }

    static ShardResult run(String training, ReplicaFactory factory, StepInputs inputs, long iteration, Shard shard) {
        TaskContext context = TaskContext.get();
        if (context != null) {
            // the task's cores (spark.task.cpus, 1 by default): Spark's tasks are the parallelism
            Parallelism.setThreads(Math.max(1, context.cpus()));
        }
        Replica replica = ReplicaPool.take(training, shard.index(), factory);
        List<Var> parameters = replica.parameters();
        load(parameters, inputs.parameters(), shard);
        Tensor[] carried = null;
        if (inputs.carried() != null) {
            carried = new Tensor[inputs.carried().length];
            for (int i = 0; i < carried.length; i++) {
                carried[i] = inputs.carried()[i].tensor().slice(0, shard.from(), shard.to());   // a view: read only
            }
        }
        ShardLoss loss = replica.differentiate(iteration, shard, carried);
        FlatTensor[] gradients = new FlatTensor[parameters.size()];
        for (int i = 0; i < gradients.length; i++) {
            Tensor g = parameters.get(i).grad();
            gradients[i] = g == null ? null : FlatTensor.of(g);
            parameters.get(i).zeroGrad();
        }
        FlatTensor[] carry = new FlatTensor[loss.carry().length];
        for (int i = 0; i < carry.length; i++) {
            Tensor c = loss.carry()[i];
            if (c.rank() == 0 || c.dim(0) != shard.rows()) {
                throw new IllegalStateException("shard " + shard.index() + " carries a state part " + i + " of shape "
                        + Shape.format(c.shape()) + "; it must have the shard's " + shard.rows() + " rows along axis 0");
            }
            carry[i] = FlatTensor.of(c);
        }
        ReplicaPool.giveBack(training, shard.index(), replica);   // only a replica that succeeded is reused
        return new ShardResult(shard.index(), loss.loss(), gradients, carry);
    }

    private static void load(List<Var> parameters, FlatTensor[] values, Shard shard) {
        if (parameters.size() != values.length) {
            throw new IllegalStateException("the replica of shard " + shard.index() + " has " + parameters.size()
                    + " parameters, the driver's model " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            Tensor p = parameters.get(i).value();
            Tensor v = values[i].tensor();
            if (!p.sameShape(v)) {
                throw new IllegalStateException("parameter " + i + " (" + parameters.get(i).name() + ") of the replica of shard "
                        + shard.index() + " has shape " + Shape.format(p.shape()) + ", the driver's " + values[i].describeShape());
            }
            p.assignInPlace(v);
            parameters.get(i).zeroGrad();
        }
    }
}
