package io.chainrule.spark.bench;

import io.chainrule.core.Parallelism;
import io.chainrule.core.kernel.Kernels;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.task.Tasks;
import io.chainrule.examples.train.LocalGradient;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.examples.train.Trainer;
import io.chainrule.spark.DataParallel;
import io.chainrule.spark.train.SparkGradientStep;
import io.chainrule.spark.train.SparkTraining;
import io.chainrule.spark.train.TaskReplicaFactory;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a training step (gradient, clipping, Adam) of one configuration scales on Spark, timed in
 * rounds that alternate, in one JVM: the plain trainer's step on one and on two engine threads,
 * and {@link DataParallel} on {@code local[1]} (one shard) and {@code local[2]} (two shards,
 * one engine thread a task). Each round starts each Spark context anew, runs {@code --warmup}
 * untimed and {@code --iterations} timed steps, and stops it. Prints each way's median ms per
 * step over the rounds, the throughput ratios of each round (median and quartiles), and the bytes
 * per step Spark measured (task results to the driver; broadcast pieces, compressed as sent).
 * Then, on one {@code local[2]} context kept for the purpose, it alternates blocks of
 * {@code --iterations} steps of the plain step (one thread), one shard and two shards, for
 * {@code --interleaved} rounds: one shard runs one task at a time (one core, as local[1]), two
 * run two, and blocks seconds apart see the same load from other tenants of a shared machine.
 * A fourth way is the control: the two shards on two plain threads, no Spark ({@link ThreadShards}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector @spark/target/spark-java17.args \
 *     -cp spark/target/chainrule-spark.jar io.chainrule.spark.bench.SparkScaling \
 *     [--task brackets] [--cell lstm] [--hidden 256] [--batch 256] [--steps 50] [--rounds 5] [--iterations 8] [--warmup 3] [--interleaved 15]
 * </pre>
 */
public final class SparkScaling {
    private SparkScaling() {
    }

    private static final List<String> WAYS = List.of("plain, 1 thread", "plain, 2 threads", "local[1], 1 shard",
            "local[2], 2 shards");

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        TrainConfig config = new TrainConfig(o.get("--task"), null, o.get("--cell"), Integer.parseInt(o.get("--hidden")),
                Integer.parseInt(o.get("--batch")), Integer.parseInt(o.get("--steps")), "full", 1.0, 0.001, 1,
                1, 1);
        int rounds = Integer.parseInt(o.get("--rounds"));
        int timed = Integer.parseInt(o.get("--iterations"));
        int warmup = Integer.parseInt(o.get("--warmup"));
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "io/chainrule/spark/train/log4j2-local.properties");
        }
        Task task = Tasks.create(config.task(), config.steps(), config.batch(), config.seed(), null);
        System.out.printf(Locale.ROOT, "SparkScaling: %s %s, H=%d, B=%d, T=%d, full BPTT, %,d parameters; %d rounds of %d timed steps"
                        + " after %d untimed; kernels: %s%n", config.task(), config.cell(), config.hidden(), config.batch(),
                config.steps(), model(config, task).size(), rounds, timed, warmup, Kernels.describe());
        if (rounds > 0) {
            double[][] ms = new double[WAYS.size()][rounds];
            long[] resultBytes = new long[2];
            long[] broadcastBytes = new long[2];
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < WAYS.size(); w++) {
                    ms[w][r] = w < 2 ? plain(config, task, w + 1, warmup, timed)
                            : spark(config, task, w - 1, warmup, timed, resultBytes, broadcastBytes);
                }
                System.out.printf(Locale.ROOT, "round %d: %s ms per step%n", r + 1, Arrays.toString(column(ms, r)));
            }
            System.out.println("ms per step (median of the rounds' medians):");
            for (int w = 0; w < WAYS.size(); w++) {
                System.out.printf(Locale.ROOT, "  %-20s %9.2f%n", WAYS.get(w), median(ms[w]));
            }
            ratio("local[2] / local[1] throughput", ms[2], ms[3]);
            ratio("local[1] / plain 1 thread time (what Spark costs on one core)", ms[2], ms[0]);
            ratio("local[2] / plain 1 thread throughput", ms[0], ms[3]);
            ratio("local[2] / plain 2 threads throughput", ms[1], ms[3]);
            for (int s = 0; s < 2; s++) {
                System.out.printf(Locale.ROOT, "bytes per step, %s: task results to the driver %,d; broadcast pieces %,d%n",
                        WAYS.get(s + 2), resultBytes[s], broadcastBytes[s]);
            }
        }
        int interleaved = Integer.parseInt(o.get("--interleaved"));
        if (interleaved > 0) {
            interleaved(config, task, interleaved, warmup, timed);
        }
    }

    /** Blocks of the plain step (1 thread), 1 shard and 2 shards alternating on one local[2] context. */
    private static void interleaved(TrainConfig config, Task task, int rounds, int warmup, int timed) {
        JavaSparkContext sc = new JavaSparkContext(SparkTraining.conf("SparkScaling", "local[2]"));
        try (DataParallel one = new DataParallel(sc, TaskReplicaFactory.of(config, task), 1, config.batch());
             DataParallel two = new DataParallel(sc, TaskReplicaFactory.of(config, task), 2, config.batch())) {
            Parallelism.setThreads(1);
            Model m0 = model(config, task);
            Model m1 = model(config, task);
            Model m2 = model(config, task);
            Model m3 = model(config, task);
            ThreadShards threads = new ThreadShards(TaskReplicaFactory.of(config, task), m3, 2, config.batch());
            StepLoop[] loops = {new StepLoop(config, task, m0, new LocalGradient(config, task, m0)),
                    new StepLoop(config, task, m1, new SparkGradientStep(one, m1)),
                    new StepLoop(config, task, m2, new SparkGradientStep(two, m2)),
                    new StepLoop(config, task, m3, threads)};
            for (StepLoop l : loops) {
                l.medianMillis(warmup, 0);
            }
            double[][] ms = new double[4][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int w = 0; w < 4; w++) {
                    ms[w][r] = loops[w].medianMillis(0, timed);
                }
            }
            System.out.printf(Locale.ROOT, "interleaved on one local[2] context, %d rounds of %d steps each way:%n", rounds, timed);
            String[] names = {"plain, 1 thread", "1 shard (1 task)", "2 shards (2 tasks)", "2 shards, 2 threads, no Spark"};
            for (int w = 0; w < 4; w++) {
                System.out.printf(Locale.ROOT, "  %-20s %9.2f ms per step (median of the rounds)%n", names[w], median(ms[w]));
            }
            ratio("2 shards / 1 shard throughput", ms[1], ms[2]);
            ratio("1 shard / plain 1 thread time (what Spark costs on one core)", ms[1], ms[0]);
            ratio("2 shards / plain 1 thread throughput", ms[0], ms[2]);
            ratio("control, no Spark: 2 shards on 2 threads / plain 1 thread throughput", ms[0], ms[3]);
            threads.close();
            double[] overhead = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                overhead[r] = ms[1][r] - ms[0][r];
            }
            System.out.printf(Locale.ROOT, "1 shard - plain, ms per step: median %.2f (rounds %s)%n", median(overhead),
                    Arrays.toString(round(overhead)));
        } finally {
            sc.stop();
            Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    private static Model model(TrainConfig config, Task task) {
        return Model.create(config.cell(), task.inputSize(), config.hidden(), task.outputSize(), Trainer.modelSeed(config.seed()));
    }

    private static double plain(TrainConfig config, Task task, int threads, int warmup, int timed) {
        Parallelism.setThreads(threads);
        Model model = model(config, task);
        return new StepLoop(config, task, model, new LocalGradient(config, task, model)).medianMillis(warmup, timed);
    }

    private static double spark(TrainConfig config, Task task, int cores, int warmup, int timed, long[] resultBytes,
                                long[] broadcastBytes) throws java.util.concurrent.TimeoutException {
        JavaSparkContext sc = new JavaSparkContext(SparkTraining.conf("SparkScaling", "local[" + cores + "]"));
        SparkMetrics metrics = new SparkMetrics();
        sc.sc().addSparkListener(metrics);
        try (DataParallel dp = new DataParallel(sc, TaskReplicaFactory.of(config, task), cores, config.batch())) {
            Model model = model(config, task);
            StepLoop loop = new StepLoop(config, task, model, new SparkGradientStep(dp, model));
            loop.medianMillis(warmup, 0);
            sc.sc().listenerBus().waitUntilEmpty();
            metrics.reset();
            double median = loop.medianMillis(0, timed);
            sc.sc().listenerBus().waitUntilEmpty();
            resultBytes[cores - 1] = metrics.results.get() / timed;
            broadcastBytes[cores - 1] = metrics.broadcastPieces.get() / timed;
            System.out.printf(Locale.ROOT, "  local[%d]: result fetches through the block manager %.1f ms a step; collector pauses during tasks %.1f ms a task%n",
                    cores, metrics.resultFetchMillis.get() / (double) timed, metrics.taskGcMillis.get() / (double) metrics.tasks.get());
            return median;
        } finally {
            sc.stop();
            Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    /** Each round's ratio {@code slow / fast} of times (a throughput ratio), median and quartiles over the rounds. */
    private static void ratio(String what, double[] slow, double[] fast) {
        double[] q = new double[slow.length];
        for (int r = 0; r < q.length; r++) {
            q[r] = slow[r] / fast[r];
        }
        Arrays.sort(q);
        System.out.printf(Locale.ROOT, "%s: %.3f (quartiles %.3f-%.3f; rounds %s)%n", what, median(q), quantile(q, 0.25),
                quantile(q, 0.75), Arrays.toString(round(q)));
    }

    private static double[] column(double[][] ms, int r) {
        double[] c = new double[ms.length];
        for (int w = 0; w < ms.length; w++) {
            c[w] = Math.round(ms[w][r] * 100) / 100.0;
        }
        return c;
    }

    private static double[] round(double[] q) {
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            out[i] = Math.round(q[i] * 1000) / 1000.0;
        }
        return out;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return quantile(v, 0.5);
    }

    /** Linear interpolation between order statistics of sorted {@code v}. */
    private static double quantile(double[] v, double p) {
        double pos = p * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("--task", "brackets");
        o.put("--cell", "lstm");
        o.put("--hidden", "256");
        o.put("--batch", "256");
        o.put("--steps", "50");
        o.put("--rounds", "5");
        o.put("--iterations", "8");
        o.put("--warmup", "3");
        o.put("--interleaved", "15");
        List<String> a = new ArrayList<>(List.of(args));
        for (int i = 0; i < a.size(); i += 2) {
            if (!o.containsKey(a.get(i)) || i + 1 >= a.size()) {
                throw new IllegalArgumentException("unknown option or missing value: " + a.get(i) + "; options: " + o.keySet());
            }
            o.put(a.get(i), a.get(i + 1));
        }
        return o;
    }
}
