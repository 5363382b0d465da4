package io.chainrule.spark.bench;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.train.GradientStep;
import io.chainrule.rnn.State;
import io.chainrule.spark.Replica;
import io.chainrule.spark.ReplicaFactory;
import io.chainrule.spark.Shard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The control for Spark's two tasks: the same shards' gradients computed on plain Java threads of
 * this JVM (shard k on thread k), summed in shard order, with no Spark in between. What two
 * threads gain here is what the machine gives two threads; what Spark gains beyond it is none.
 * Streaming state is not carried (the benchmark times steps, not training).
 */
final class ThreadShards implements GradientStep, AutoCloseable {
    private final List<Var> parameters;
    private final List<Shard> shards;
    private final List<Replica> replicas = new ArrayList<>();
    private final ExecutorService threads;

    ThreadShards(ReplicaFactory factory, Model model, int shards, int batch) {
        this.parameters = List.copyOf(model.parameters().values());
        this.shards = Shard.split(shards, batch);
        for (int k = 0; k < shards; k++) {
            replicas.add(factory.create());
        }
        this.threads = Executors.newFixedThreadPool(shards);
    }

    @Override
    public Outcome compute(long iteration, State carried) {
        List<Future<Tensor[]>> parts = new ArrayList<>();
        double[] losses = new double[shards.size()];
        for (int k = 0; k < shards.size(); k++) {
            int shard = k;
            parts.add(threads.submit(() -> {
                Replica r = replicas.get(shard);
                for (int p = 0; p < parameters.size(); p++) {
                    r.parameters().get(p).value().assignInPlace(parameters.get(p).value());
                    r.parameters().get(p).zeroGrad();
                }
                losses[shard] = r.differentiate(iteration, shards.get(shard), null).loss();
                Tensor[] g = new Tensor[parameters.size()];
                for (int p = 0; p < g.length; p++) {
                    g[p] = r.parameters().get(p).grad();
                }
                return g;
            }));
        }
        double loss = 0;
        try {
            for (int k = 0; k < parts.size(); k++) {
                Tensor[] g = parts.get(k).get();
                for (int p = 0; p < g.length; p++) {
                    Var param = parameters.get(p);
                    if (k == 0) {
                        param.setGrad(g[p].copy());
                    } else {
                        param.grad().addInPlace(g[p]);
                    }
                }
                loss += losses[k];
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new Outcome(loss, null);
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}
