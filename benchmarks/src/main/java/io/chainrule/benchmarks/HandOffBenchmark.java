package io.chainrule.benchmarks;

import io.chainrule.core.Parallelism;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One question: what does it cost to hand work to another thread? {@link Parallelism#run} with two
 * parts that do almost nothing, on 2 threads, after {@code gapMicros} of the caller's own work (a
 * recurrent step's elementwise work between its products); the score is microseconds per call
 * including the gap, so the hand-off costs the score minus {@code gapMicros}. This is the
 * overhead every split product and activation pays.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar HandOffBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class HandOffBenchmark {

    @Param({"0", "50"})
    public int gapMicros;

    private final double[] out = new double[2];
    private int before;

    @Setup
    public void setup() {
        before = Parallelism.threads();
        Parallelism.setThreads(2);
    }

    @TearDown
    public void tearDown() {
        Parallelism.setThreads(before);
    }

    @Benchmark
    public double[] run() {
        long gap = gapMicros * 1000L;
        long start = System.nanoTime();
        while (System.nanoTime() - start < gap) {
            Thread.onSpinWait();
        }
        Parallelism.run(2, i -> out[i] += 1);
        return out;
    }
}
