package io.chainrule.benchmarks;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.TanhRnnCell;
import io.chainrule.rnn.reference.TanhRnnBaseline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One question: what does the engine's generality cost? Forward + backward of the tanh RNN
 * (B=32, D=64, T=100, loss (1/T) Σ_t Σ h_t) through the autodiff engine versus the hand-written
 * BPTT on the same kernels ({@link TanhRnnBaseline}), single thread.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar EngineVsBaseline</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dchainrule.threads=1"})
@org.openjdk.jmh.annotations.State(Scope.Thread)
public class EngineVsBaselineBenchmark {

    @Param({"32", "256"})
    public int hidden;

    public int steps = 100;
    public int batch = 32;
    public int in = 64;

    private TanhRnnCell cell;
    private Tensor x;
    private Tensor h0;
    private TanhRnnBaseline baseline;

    @Setup
    public void setup() {
        cell = new TanhRnnCell(in, hidden, 1);
        x = Tensor.randn(2, 1.0, steps, batch, in);
        h0 = Tensor.zeros(batch, hidden);
        baseline = new TanhRnnBaseline(steps, batch, in, hidden);
    }

    @Benchmark
    public Tensor engine() {
        for (Var p : cell.parameters()) {
            p.zeroGrad();
        }
        Var loss = Unroll.loss(cell, Var.constant(x), State.of(Var.constant(h0)), (t, h) -> h.sum(), Bptt.full()).loss();
        loss.backward();
        return cell.parameters().get(1).grad();
    }

    @Benchmark
    public Tensor handWritten() {
        List<Var> p = cell.parameters();
        return baseline.run(x, h0, p.get(0).value(), p.get(1).value(), p.get(2).value(), p.get(3).value()).dWhh;
    }
}
