package io.chainrule.spark.bench;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.BlockId;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What crosses the network, as Spark measures it: the serialized results the tasks send the
 * driver ({@code resultSize}), and the broadcast pieces the driver stores for executors to fetch
 * (the parameters, and each job's serialized code), in bytes, compressed as sent.
 */
final class SparkBytes extends SparkListener {
    final AtomicLong results = new AtomicLong();
    final AtomicLong broadcastPieces = new AtomicLong();
    final AtomicLong tasks = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
            results.addAndGet(end.taskMetrics().resultSize());
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
    }
}
