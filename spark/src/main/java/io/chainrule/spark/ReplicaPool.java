package io.chainrule.spark;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The replicas idle in this JVM (an executor, or the driver in local mode), by training and
 * shard: a task takes its shard's replica, or makes one, and gives it back only when it
 * succeeded, so a task that failed half way leaves nothing behind for its retry. Keeping a
 * replica per shard keeps each one reading its own part of the data forward, as a stream.
 */
final class ReplicaPool {
    private static final Map<String, Deque<Replica>> IDLE = new ConcurrentHashMap<>();

    private ReplicaPool() {
    }

    static Replica take(String training, int shard, ReplicaFactory factory) {
        Deque<Replica> idle = IDLE.get(key(training, shard));
        Replica r = idle == null ? null : idle.pollFirst();
        return r != null ? r : factory.create();
    }

    static void giveBack(String training, int shard, Replica replica) {
        IDLE.computeIfAbsent(key(training, shard), k -> new ConcurrentLinkedDeque<>()).addFirst(replica);
    }

    /** Forgets this JVM's replicas of {@code training}. */
    static void drop(String training) {
        IDLE.keySet().removeIf(k -> k.startsWith(training + "/"));
    }

    /** How many replicas of {@code training} are idle in this JVM. */
    static int idle(String training) {
        return IDLE.entrySet().stream().filter(e -> e.getKey().startsWith(training + "/"))
                .mapToInt(e -> e.getValue().size()).sum();
    }

    private static String key(String training, int shard) {
        return training + "/" + shard;
    }
}
