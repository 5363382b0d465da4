package io.chainrule.benchmarks;

import io.chainrule.core.Parallelism;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One question: how long does one forward + backward of a recurrent layer take, by cell, hidden
 * size and number of threads? B=32, D=64, T=100 (the standard workloads of docs/benchmarks.md); see
 * {@link RecurrentWorkload} for the loss and the effective FLOP count.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar RecurrentBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class RecurrentBenchmark {

    @Param({"rnn", "gru", "lstm"})
    public String cell;

    @Param({"32", "256", "1024"})
    public int hidden;

    @Param({"1"})
    public int threads;

    @Param({"100"})
    public int steps;

    @Param({"32"})
    public int batch;

    @Param({"64"})
    public int input;

    private RecurrentWorkload workload;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        workload = new RecurrentWorkload(cell, steps, batch, input, hidden, 1);
    }

    @Benchmark
    public Tensor forwardBackward() {
        return workload.run(Bptt.full());
    }
}
