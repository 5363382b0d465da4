package io.chainrule.benchmarks;

import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.rnn.Params;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Parallelism;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
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
 * One question: what does each BPTT strategy cost in time and saved-activation memory on a long
 * sequence? B=32, D=64, T=1000, one thread. Peak saved bytes (the engine's own account) are
 * printed at tear-down as {@code peakSavedBytes=...}.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar StrategyBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx8g"})
@State(Scope.Thread)
public class StrategyBenchmark {

    @Param({"lstm"})
    public String cell;

    @Param({"256"})
    public int hidden;

    @Param({"1000"})
    public int steps;

    @Param({"full", "truncated:50", "randomized:0.1", "checkpoint:sqrt", "checkpoint:slots=10", "budget:0.05"})
    public String strategy;

    private RecurrentWorkload workload;
    private BpttStrategy bptt;

    @Setup
    public void setup() {
        Parallelism.setThreads(1);
        workload = new RecurrentWorkload(cell, steps, 32, 64, hidden, 1);
        bptt = strategy(workload, strategy);
        Memory.reset();
    }

    /**
     * The strategy named {@code name}: what {@link Bptt#parse} accepts, or {@code budget:F}, the
     * checkpoint schedule whose whole peak of saved activations is a fraction F of full storage's.
     * Measured here with the engine's {@link Memory} account: the bytes saved outside the chain
     * (the hoisted input product keeps the inputs for its weight's gradient, T·B·D doubles), and
     * the full-BPTT peak; one step of the chain saves (full - outside) / T, and the chain gets
     * F · full - outside, spent on stored states and recorded steps
     * ({@link Schedule#budget(long, long, long)}).
     */
    static BpttStrategy strategy(RecurrentWorkload w, String name) {
        if (!name.startsWith("budget:")) {
            return Bptt.parse(name, 7);
        }
        double fraction = Double.parseDouble(name.substring("budget:".length()));
        Memory.reset();
        Var prepared = w.cell.prepareInputs(Var.constant(w.inputs), Params.shared());
        long outside = Memory.savedBytes();
        prepared.releaseGraph();
        Memory.reset();
        w.run(Bptt.full());
        long full = Memory.peakSavedBytes();
        long perStep = (full - outside) / w.steps;
        long chainBudget = (long) (fraction * full) - outside;
        if (chainBudget <= 0) {
            throw new IllegalArgumentException("a budget of " + fraction + " of " + full + " bytes does not even hold the "
                    + outside + " bytes saved outside the chain");
        }
        long stateBytes = 8L * w.batch * w.hidden * w.cell.stateParts() + 8; // state parts and the running loss
        return Bptt.checkpointed(Schedule.budget(chainBudget, stateBytes, perStep));
    }

    @Benchmark
    public Tensor forwardBackward() {
        return workload.run(bptt);
    }

    @TearDown
    public void report() {
        System.out.println("peakSavedBytes=" + Memory.peakSavedBytes());
    }
}
