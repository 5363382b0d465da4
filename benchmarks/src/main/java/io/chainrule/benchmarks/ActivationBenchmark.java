package io.chainrule.benchmarks;

import io.chainrule.core.kernel.ActivationKernel;
import io.chainrule.core.kernel.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One question: what does an activation cost per element? The kernel in use ({@link Kernels}) over
 * {@value #N} elements spread over [-3, 3] (a recurrent step's [32, 256] pre-activation), one thread,
 * no allocation; the score is nanoseconds per element.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ActivationBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ActivationBenchmark {
    /** Elements per call. */
    static final int N = 8192;

    @Param({"tanh", "sigmoid", "exp"})
    public String function;

    private final double[] x = new double[N];
    private final double[] y = new double[N];
    private ActivationKernel kernel;

    @Setup
    public void setup() {
        kernel = Kernels.activations();
        for (int i = 0; i < N; i++) {
            x[i] = 3 * Math.sin(i);
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public double[] apply() {
        switch (function) {
            case "tanh": kernel.tanh(x, 0, y, 0, N); break;
            case "sigmoid": kernel.sigmoid(x, 0, y, 0, N); break;
            default: kernel.exp(x, 0, y, 0, N);
        }
        return y;
    }
}
