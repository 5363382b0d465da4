package io.chainrule.benchmarks;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * One question: what does the engine cost per recorded operation, when the tensors are so small
 * that the arithmetic is free?
 *
 * <p>Each invocation builds a chain of {@value #N} elementwise ops {@code h = op(h)} starting from a
 * parameter, with recording on, then differentiates it (a final {@code sum} and {@code backward}).
 * The time is divided by {@value #N} ({@link OperationsPerInvocation}), so the score is the cost of
 * one op: forward kernel, node creation, saving, the engine's scheduling of that node and its
 * backward. The final {@code sum} adds one op to the {@value #N} (0.1%). The target is at most
 * 1 µs per op (PyTorch eager costs 2-7 µs per op).
 *
 * <p>The loop inside the measured method is the thing measured: a graph of {@value #N} recorded
 * nodes is what backward walks, so the chain cannot be split across invocations.
 *
 * <ul>
 *   <li>{@code op}: {@code mul} (by a constant, saves the constant), {@code add} (of a constant,
 *       saves nothing) or {@code tanh} (saves its output).</li>
 *   <li>{@code size}: 0 for a rank-0 scalar, otherwise a vector of that length.</li>
 * </ul>
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar OpCostBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class OpCostBenchmark {
    /** Ops per chain. */
    static final int N = 1000;

    @Param({"mul", "add", "tanh"})
    public String op;

    @Param({"0", "4"})
    public int size;

    private Var w;
    private Var c;

    @Setup(Level.Trial)
    public void setUp() {
        Tensor start = size == 0 ? Tensor.scalar(0.5) : Tensor.full(0.5, size);
        w = Var.param(start, "w");
        // multiplying by 1 and adding 0 keep the values (and so the work per element) unchanged
        c = Var.constant(op.equals("mul") ? 1.0 : 0.0);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Tensor recordAndBackward() {
        w.zeroGrad();
        Var h = w;
        switch (op) {
            case "mul":
                for (int i = 0; i < N; i++) {
                    h = h.mul(c);
                }
                break;
            case "add":
                for (int i = 0; i < N; i++) {
                    h = h.add(c);
                }
                break;
            case "tanh":
                for (int i = 0; i < N; i++) {
                    h = h.tanh();
                }
                break;
            default:
                throw new IllegalArgumentException("unknown op " + op);
        }
        h.sum().backward();
        return w.grad();
    }
}
