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

    /**
     * A ratio measured in rounds that alternate the two runs it compares (engine / hand-written in
     * {@link #interleaved}, one thread / two in {@link ThreadScaling}): the median of the rounds'
     * ratios and the quartiles.
     */
    public static final class Ratio {
        public final double median;
        public final double low;
        public final double high;
        public final int rounds;

        Ratio(double[] ratios) {
            double[] r = ratios.clone();
            java.util.Arrays.sort(r);
            this.rounds = r.length;
            this.median = r[r.length / 2];
            this.low = r[r.length / 4];
            this.high = r[(3 * r.length) / 4];
        }
    }

    /**
     * The ratio measured the way a shared machine allows: in one JVM, one thread, after warming
     * both up, {@code rounds} rounds each time a block of engine iterations and a block of
     * hand-written ones back to back (in alternating order), so that both see the same load; the
     * median of the rounds' ratios, with the quartiles. Separate JMH forks measure the two minutes
     * apart, and on this machine their ratio moved by ±0.15 between runs.
     */
    public static Ratio interleaved(int hidden, int rounds) {
        int before = io.chainrule.core.Parallelism.threads();
        io.chainrule.core.Parallelism.setThreads(1);
        try {
            EngineVsBaselineBenchmark b = new EngineVsBaselineBenchmark();
            b.hidden = hidden;
            b.setup();
            int block = Math.max(1, 40 / Math.max(1, hidden / 32));
            for (long end = System.nanoTime() + 4_000_000_000L; System.nanoTime() < end; ) {
                b.engine();
                b.handWritten();
            }
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long engineNs;
                long handNs;
                if (r % 2 == 0) {
                    engineNs = time(b::engine, block);
                    handNs = time(b::handWritten, block);
                } else {
                    handNs = time(b::handWritten, block);
                    engineNs = time(b::engine, block);
                }
                ratios[r] = (double) engineNs / handNs;
            }
            return new Ratio(ratios);
        } finally {
            io.chainrule.core.Parallelism.setThreads(before);
        }
    }

    private static long time(java.util.function.Supplier<Tensor> run, int times) {
        long t0 = System.nanoTime();
        for (int i = 0; i < times; i++) {
            run.get();
        }
        return System.nanoTime() - t0;
    }

    /** Prints the interleaved ratio for H = 32 and 256. */
    public static void main(String[] args) {
        for (int h : new int[] {32, 256}) {
            Ratio r = interleaved(h, 21);
            System.out.printf("H=%d: engine / hand-written %.3f (quartiles %.3f-%.3f over %d rounds)%n", h, r.median,
                    r.low, r.high, r.rounds);
        }
    }
}
