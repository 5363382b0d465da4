package io.chainrule.spark;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library on a user-written model ({@link LeakyUnitModel}): the shards' gradients, summed in
 * shard order on the driver, are the gradient of the whole batch computed in one process.
 */
class DataParallelTest {
    static final int HIDDEN = 5;
    static final int STEPS = 9;
    static final int BATCH = 7;

    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.start();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** The driver's model: seeded unlike the factory's replicas, so only broadcast values give its gradient. */
    private static LeakyUnitModel driver(String strategy) {
        return new LeakyUnitModel(HIDDEN, STEPS, strategy, 7L);
    }

    private static Tensor carried() {
        return Tensor.randn(5L, 0.5, BATCH, HIDDEN);
    }

    /** The whole batch's loss in this process: the oracle. Leaves the gradients in the model. */
    private static ShardLoss whole(LeakyUnitModel model, long iteration, Tensor[] carried) {
        model.parameters().forEach(Var::zeroGrad);
        return model.differentiate(iteration, Shard.split(1, BATCH).get(0), carried);
    }

    private static List<Tensor> gradients(List<Var> parameters) {
        List<Tensor> out = new ArrayList<>();
        for (Var p : parameters) {
            out.add(p.grad() == null ? null : p.grad().copy());
        }
        return out;
    }

    private static List<long[]> bits(List<Var> parameters, boolean values) {
        List<long[]> out = new ArrayList<>();
        for (Var p : parameters) {
            double[] d = (values ? p.value() : p.grad()).toArray();
            long[] b = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                b[i] = Double.doubleToRawLongBits(d[i]);
            }
            out.add(b);
        }
        return out;
    }

    private static void assertSameGradientBits(List<long[]> expected, List<Var> parameters) {
        List<long[]> actual = bits(parameters, false);
        for (int p = 0; p < expected.size(); p++) {
            assertArrayEquals(expected.get(p), actual.get(p), "gradient of " + parameters.get(p).name());
        }
    }

    /** |a − b| ≤ 1e-12 · max |b| over the tensor: the shards only reorder the additions over the batch. */
    private static void assertClose(Tensor expected, Tensor actual, String what) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.size(); i++) {
            scale = Math.max(scale, Math.abs(expected.getFlat(i)));
            diff = Math.max(diff, Math.abs(expected.getFlat(i) - actual.getFlat(i)));
        }
        assertTrue(scale > 0, what + " is all zero: the comparison would prove nothing");
        assertTrue(diff <= 1e-12 * scale, what + ": largest difference " + diff + " of the largest entry " + scale);
    }

    @ParameterizedTest(name = "{0}, {1} shards")
    @CsvSource({"full, 2", "full, 3", "truncated:3, 2", "randomized:0.5, 3", "checkpoint:sqrt, 2"})
    void theShardsGradientsAddUpToTheWholeBatchGradient(String strategy, int shards) {
        LeakyUnitModel model = driver(strategy);
        Tensor[] carried = {carried()};
        ShardLoss expected = whole(model, 4, carried);
        List<Tensor> expectedGradients = gradients(model.parameters());
        model.parameters().forEach(Var::zeroGrad);

        try (DataParallel dp = new DataParallel(spark, new LeakyUnitModel.Factory(HIDDEN, STEPS, strategy), shards, BATCH)) {
            DataParallel.Result r = dp.gradient(4, model.parameters(), carried);
            assertEquals(expected.loss(), r.loss(), 1e-12 * Math.abs(expected.loss()), "loss");
            for (int p = 0; p < expectedGradients.size(); p++) {
                assertClose(expectedGradients.get(p), model.parameters().get(p).grad(), "gradient of " + model.parameters().get(p).name());
            }
            assertClose(expected.carry()[0], r.carry()[0], "carried state, joined in shard order");
        }
    }

    @Test
    void oneShardIsTheSingleProcessGradientBitForBit() {
        LeakyUnitModel model = driver("full");
        whole(model, 2, null);
        List<long[]> expected = bits(model.parameters(), false);
        model.parameters().forEach(Var::zeroGrad);
        try (DataParallel dp = new DataParallel(spark, new LeakyUnitModel.Factory(HIDDEN, STEPS, "full"), 1, BATCH)) {
            dp.gradient(2, model.parameters(), null);
        }
        assertSameGradientBits(expected, model.parameters());
    }

    @Test
    void repeatedStepsReuseTheReplicasAndGiveTheSameBitsWithoutTouchingTheDriversValues() {
        LeakyUnitModel model = driver("full");
        List<long[]> values = bits(model.parameters(), true);
        CountingFactory.made.set(0);
        try (DataParallel dp = new DataParallel(spark, new CountingFactory(), 3, BATCH)) {
            dp.gradient(1, model.parameters(), null);
            List<long[]> first = bits(model.parameters(), false);
            dp.gradient(1, model.parameters(), null);
            List<long[]> second = bits(model.parameters(), false);
            for (int p = 0; p < first.size(); p++) {
                assertArrayEquals(first.get(p), second.get(p), "gradient of " + model.parameters().get(p).name());
                assertArrayEquals(values.get(p), bits(model.parameters(), true).get(p), "value of " + model.parameters().get(p).name());
            }
            assertEquals(3, CountingFactory.made.get(), "one replica a shard, made once");
            assertEquals(3, dp.idleReplicasHere());
        }
    }

    /** Counts the replicas it makes (tasks run in this JVM in local mode). */
    record CountingFactory() implements ReplicaFactory {
        static final AtomicInteger made = new AtomicInteger();

        @Override
        public Replica create() {
            made.incrementAndGet();
            return new LeakyUnitModel.Factory(HIDDEN, STEPS, "full").create();
        }
    }

    @Test
    void aTaskThatFailsHalfWayIsRetriedToTheSameBits() {
        LeakyUnitModel model = driver("truncated:4");
        Tensor[] carried = {carried()};
        LeakyUnitModel.Factory plain = new LeakyUnitModel.Factory(HIDDEN, STEPS, "truncated:4");
        List<long[]> expected;
        try (DataParallel dp = new DataParallel(spark, plain, 2, BATCH)) {
            dp.gradient(3, model.parameters(), carried);
            expected = bits(model.parameters(), false);
        }
        FailOnce.failures.set(0);
        try (DataParallel dp = new DataParallel(spark, new FailOnce(plain, 3, 1), 2, BATCH)) {
            dp.gradient(3, model.parameters(), carried);
        }
        assertEquals(1, FailOnce.failures.get(), "shard 1's first attempt failed");
        assertSameGradientBits(expected, model.parameters());
    }

    @Test
    void theSumDoesNotDependOnWhichTaskFinishesFirst() {
        LeakyUnitModel model = driver("full");
        LeakyUnitModel.Factory plain = new LeakyUnitModel.Factory(HIDDEN, STEPS, "full");
        List<List<Integer>> orders = new ArrayList<>();
        List<List<long[]>> sums = new ArrayList<>();
        for (int slow : new int[] {0, 2}) {
            SlowShard.finished.clear();
            try (DataParallel dp = new DataParallel(spark, new SlowShard(plain, slow), 3, BATCH)) {
                dp.gradient(6, model.parameters(), null);
            }
            orders.add(List.copyOf(SlowShard.finished));
            sums.add(bits(model.parameters(), false));
        }
        assertEquals(2, orders.get(0).indexOf(0), "shard 0 finished last: " + orders);
        assertEquals(2, orders.get(1).indexOf(2), "shard 2 finished last: " + orders);
        assertSameGradientBits(sums.get(0), model.parameters());
    }

    /** Replicas that hold shard {@code slow} back 300 ms, and record the order in which shards finish. */
    record SlowShard(ReplicaFactory inner, int slow) implements ReplicaFactory {
        static final List<Integer> finished = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public Replica create() {
            return new HookedReplica(inner.create(), (iteration, s) -> {
                if (s.index() == slow) {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                finished.add(s.index());
            });
        }
    }

    @Test
    void aReplicaUnlikeTheDriversModelFailsTheStepNamingBoth() {
        LeakyUnitModel model = driver("full");
        List<Var> fewer = model.parameters().subList(0, 4);   // the cell's, without the read-out's
        try (DataParallel dp = new DataParallel(spark, new LeakyUnitModel.Factory(HIDDEN, STEPS, "full"), 2, BATCH)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> dp.gradient(0, fewer, null));
            assertTrue(e.getMessage().startsWith("iteration 0: the Spark job failed: "), e.getMessage());
            assertTrue(e.getMessage().contains("the replica of shard ") && e.getMessage().contains(" has 6 parameters, the driver's model 4"),
                    e.getMessage());
        }
    }

    @Test
    void aCarriedStateMustHaveTheBatchsRows() {
        LeakyUnitModel model = driver("full");
        try (DataParallel dp = new DataParallel(spark, new LeakyUnitModel.Factory(HIDDEN, STEPS, "full"), 2, BATCH)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> dp.gradient(0, model.parameters(), new Tensor[] {Tensor.zeros(BATCH - 1, HIDDEN)}));
            assertEquals("carried state part 0 has shape [6, 5]; it must have the batch's 7 rows along axis 0", e.getMessage());
        }
    }
}
