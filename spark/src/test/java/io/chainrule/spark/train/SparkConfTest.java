package io.chainrule.spark.train;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The configuration {@code train --spark} starts its context with: local defaults, and the user's settings first. */
class SparkConfTest {

    @Test
    void aLocalMasterSendsResultsWithTheTaskStatusAndStaysOnLoopback() {
        SparkConf conf = SparkTraining.conf("t", "local[2]");
        assertEquals("local[2]", conf.get("spark.master"));
        assertEquals(SparkTraining.LOCAL_DIRECT_RESULT_SIZE, conf.get("spark.task.maxDirectResultSize"));
        assertEquals("127.0.0.1", conf.get("spark.driver.host"));
        assertEquals("false", conf.get("spark.ui.enabled"));
    }

    @Test
    void theUsersSparkPropertiesWinOverTheLocalDefaults() {
        String key = "spark.task.maxDirectResultSize";
        String before = System.getProperty(key);
        System.setProperty(key, "1m");
        try {
            assertEquals("1m", SparkTraining.conf("t", "local[*]").get(key));
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void aClusterMasterKeepsSparksOwnConfiguration() {
        SparkConf conf = SparkTraining.conf("t", "spark://node:7077");
        assertFalse(conf.contains("spark.task.maxDirectResultSize"));
        assertFalse(conf.contains("spark.driver.host"));
        assertFalse(conf.contains("spark.ui.enabled"));
    }
}
