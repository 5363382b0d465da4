package io.chainrule.spark.bench;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.BlockId;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What crosses the network, as Spark measures it: the serialized results the tasks send the
 * driver ({@code resultSize}), and the broadcast pieces the driver stores for executors to fetch
 * (the parameters, and each job's serialized code), in bytes, compressed as sent. And two of
 * Spark's times: how long the driver spent fetching results that came back through the block
 * manager rather than with the task's status (above {@code spark.task.maxDirectResultSize}),
 * and the collector's pauses while tasks ran ({@code jvmGCTime}, in local mode the whole JVM's).
 */
final class SparkMetrics extends SparkListener {
    final AtomicLong results = new AtomicLong();
    final AtomicLong broadcastPieces = new AtomicLong();
    final AtomicLong tasks = new AtomicLong();
    final AtomicLong resultFetchMillis = new AtomicLong();
    final AtomicLong taskGcMillis = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
            results.addAndGet(end.taskMetrics().resultSize());
            taskGcMillis.addAndGet(end.taskMetrics().jvmGCTime());
        }
        if (end.taskInfo() != null && end.taskInfo().gettingResult()) {
            resultFetchMillis.addAndGet(end.taskInfo().finishTime() - end.taskInfo().gettingResultTime());
        }
        tasks.incrementAndGet();
    }

    @Override
    public void onBlockUpdated(SparkListenerBlockUpdated update) {
        BlockId id = update.blockUpdatedInfo().blockId();
        if (id.isBroadcast() && id.name().contains("_piece") && update.blockUpdatedInfo().storageLevel().isValid()) {
            broadcastPieces.addAndGet(update.blockUpdatedInfo().memSize() + update.blockUpdatedInfo().diskSize());
        }
    }

    void reset() {
        results.set(0);
        broadcastPieces.set(0);
        tasks.set(0);
        resultFetchMillis.set(0);
        taskGcMillis.set(0);
    }
}
