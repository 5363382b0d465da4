package io.chainrule.spark.train;

import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.train.ClusterTraining;
import io.chainrule.examples.train.GradientStep;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.spark.DataParallel;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code chainrule train --spark MASTER}: the runs' gradients computed by {@link DataParallel} jobs
 * on a Spark context this class starts (and stops when the session closes). Found by the program
 * through {@link java.util.ServiceLoader} when it runs from {@code chainrule-spark.jar}.
 *
 * <p>With a {@code local} master the driver binds to 127.0.0.1, Spark's web UI is off, its log
 * shows warnings only, and task results up to {@value #LOCAL_DIRECT_RESULT_SIZE} come back with
 * the task's status rather than through a second fetch from the block manager (each unless set
 * otherwise: {@code -Dspark.ui.enabled=true}, {@code -Dlog4j2.configurationFile=...},
 * {@code -Dspark.task.maxDirectResultSize=1m}). On a cluster, Spark's own configuration applies.
 */
public final class SparkTraining implements ClusterTraining {
    static final String LOCAL_LOG_CONFIG = "io/chainrule/spark/train/log4j2-local.properties";
    /**
     * In local mode, results up to this size are handed to the driver in the task's status
     * message. Spark's default (1m) sends a gradient above 1 MB through the block manager, a
     * loopback fetch of 9 to 27 ms a step for the 2.2 MB of an LSTM with H=256 on this
     * project's 2-core machine (as {@code SparkScaling} prints it) ({@code docs/distributed.md}); Spark caps the value at
     * {@code spark.rpc.message.maxSize} (128 MiB by default).
     */
    public static final String LOCAL_DIRECT_RESULT_SIZE = "128m";

    @Override
    public Session connect(String master, int shards) {
        String m = master != null ? master : System.getProperty("spark.master");
        if (m == null || m.isBlank()) {
            throw new IllegalArgumentException("--spark without a master needs one from spark-submit (--master); "
                    + "give it here instead: --spark local[2], --spark spark://HOST:7077, --spark yarn, ...");
        }
        boolean local = m.startsWith("local");
        if (local && System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOCAL_LOG_CONFIG);   // before Spark's first log line
        }
        SparkConf conf = conf("chainrule train", m);
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (IllegalAccessError e) {
            throw new IllegalStateException("Spark cannot reach the JDK internals it needs on Java 17 (" + e.getMessage()
                    + "); run java -jar spark/target/chainrule-spark.jar, whose manifest opens them, or pass the"
                    + " --add-opens flags listed in the README", e);
        } catch (Exception e) {   // SparkException is checked and undeclared
            throw new IllegalStateException("cannot start Spark with master '" + m + "': " + e.getMessage(), e);
        }
        return new SparkSession(sc, shards > 0 ? shards : sc.defaultParallelism());
    }

    /**
     * The configuration of a context with this master: Spark's ({@code spark.*} system properties
     * included) and, with a {@code local} master, the defaults above where those leave a key unset.
     */
    public static SparkConf conf(String appName, String master) {
        SparkConf conf = new SparkConf().setAppName(appName).setMaster(master);
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.task.maxDirectResultSize", LOCAL_DIRECT_RESULT_SIZE);
        }
        return conf;
    }

    /** A Spark context and the trainings run on it. */
    private static final class SparkSession implements Session {
        private final JavaSparkContext sc;
        private final int shards;
        private final List<DataParallel> trainings = new ArrayList<>();

        SparkSession(JavaSparkContext sc, int shards) {
            this.sc = sc;
            this.shards = shards;
        }

        @Override
        public GradientStep create(TrainConfig config, Task task, Model model) {
            if (shards > config.batch()) {
                throw new IllegalArgumentException("--shards " + shards + " is more than --batch " + config.batch()
                        + ": each shard needs at least one sequence");
            }
            DataParallel dp = new DataParallel(sc, TaskReplicaFactory.of(config, task), shards, config.batch());
            trainings.add(dp);
            return new SparkGradientStep(dp, model);
        }

        @Override
        public String describe() {
            int cpus = sc.getConf().getInt("spark.task.cpus", 1);
            return "spark: Spark " + sc.version() + ", master " + sc.master() + ", " + shards + " shard"
                    + (shards == 1 ? "" : "s") + " a batch, " + cpus + " engine thread" + (cpus == 1 ? "" : "s") + " a task";
        }

        @Override
        public void close() {
            trainings.forEach(DataParallel::close);
            sc.stop();
        }
    }
}
