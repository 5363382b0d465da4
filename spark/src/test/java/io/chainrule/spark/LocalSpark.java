package io.chainrule.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** A Spark context in this JVM for tests: two cores, each failed task tried once more, no web UI. */
public final class LocalSpark {
    private LocalSpark() {
    }

    /** {@code local[2,2]}: 2 task slots, up to 2 attempts a task (Spark's local mode retries nothing otherwise). */
    public static JavaSparkContext start() {
        SparkConf conf = new SparkConf().setAppName("chainrule tests").setMaster("local[2,2]")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        return new JavaSparkContext(conf);
    }
}
