package io.chainrule.benchmarks;

import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.CheckpointedChain;
import io.chainrule.autodiff.checkpoint.Plan;
import io.chainrule.autodiff.checkpoint.Planner;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.autodiff.checkpoint.Step;
import io.chainrule.core.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What does checkpointing cost in time for the memory it saves? One forward + backward of a
 * T = 1000 tanh RNN chain {@code h_{t+1} = tanh(h_t·W + x_t·U + b)} (B = 32, D = 64, H = 256,
 * float64; loss = sum of the last h) under:
 *
 * <ul>
 *   <li>{@code storeAll}: every step recorded, the baseline;</li>
 *   <li>{@code sqrtT}: a checkpoint every 32 steps;</li>
 *   <li>{@code budget5}: 5% of the storeAll peak spent on revolve slots,
 *       {@code Schedule.budget(5% − one step, bytesPerState)} (one recorded step comes on top, so
 *       the chain stays within 5%);</li>
 *   <li>{@code budget5steps}: 5% spent on states and recorded steps,
 *       {@code Schedule.budget(5%, bytesPerState, bytesPerStep)}.</li>
 * </ul>
 *
 * <p>Target, after Gruslys et al. 2016 (Memory-Efficient Backpropagation Through Time): 5% of the
 * memory for at most 1.35x the time of {@code storeAll}. Time is JMH's score. Memory is the
 * engine's own account of saved activations ({@link Memory#peakSavedBytes()}), printed with the
 * plan and the counted step evaluations as {@code [checkpoint] ...} when a trial ends. Memory counts
 * W at every step (each h·W saves it for dh), so a step is 656 KiB and storeAll 672 MB, about 4.6x
 * the bytes of the distinct tensors the graph holds; percentages are of that account.
 *
 * <pre>{@code
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar CheckpointBenchmark -f 1 -wi 2 -i 3
 * }</pre>
 *
 * <p>On a machine shared with other jobs JMH's per-parameter averages drift with the load, which
 * changes between parameters. {@link #main} measures the same four runs interleaved, round by
 * round in rotating order, and reports the median over rounds of each schedule's time divided by
 * storeAll's in the same round, for wall time and for the benchmark thread's CPU time:
 * {@code java --add-modules jdk.incubator.vector -Xmx4g -cp benchmarks/target/benchmarks.jar
 * io.chainrule.benchmarks.CheckpointBenchmark [rounds]}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class CheckpointBenchmark {
    static final int T = 1000;
    static final int B = 32;
    static final int D = 64;
    static final int H = 256;

    @Param({"storeAll", "sqrtT", "budget5", "budget5steps"})
    public String schedule;

    private Var w;
    private Var u;
    private Var b;
    private Var h0;
    private Var[] x;
    private Schedule chosen;
    private long fullPeak;
    private long stateBytes;
    private long stepBytes;
    private long calls;
    private long lastPeak;

    @Setup(Level.Trial)
    public void setUp() {
        w = Var.param(Tensor.randn(1L, 0.9 / Math.sqrt(H), H, H), "W");
        u = Var.param(Tensor.randn(2L, 1.0 / Math.sqrt(D), D, H), "U");
        b = Var.param(Tensor.zeros(H), "b");
        h0 = Var.param(Tensor.zeros(B, H), "h0");
        x = new Var[T];
        for (int t = 0; t < T; t++) {
            x[t] = Var.constant(Tensor.randn(100L + t, 1.0, B, D));
        }
        fullPeak = forwardBackward(Schedule.storeAll());
        stepBytes = fullPeak / T;
        stateBytes = CheckpointedChain.stateBytes(h0);
        long fivePercent = fullPeak / 20;
        switch (schedule) {
            case "storeAll":
                chosen = Schedule.storeAll();
                break;
            case "sqrtT":
                chosen = Schedule.sqrtT();
                break;
            case "budget5":
                chosen = Schedule.budget(fivePercent - stepBytes, stateBytes);
                break;
            case "budget5steps":
                chosen = Schedule.budget(fivePercent, stateBytes, stepBytes);
                break;
            default:
                throw new IllegalArgumentException("unknown schedule " + schedule);
        }
    }

    private Step step() {
        return (state, t) -> {
            calls++;
            return new Var[] {state[0].prod(w).add(x[t].prod(u)).add(b).tanh()};
        };
    }

    /** One forward + backward; returns the engine's peak saved bytes. */
    private long forwardBackward(Schedule s) {
        w.zeroGrad();
        u.zeroGrad();
        b.zeroGrad();
        h0.zeroGrad();
        Memory.reset();
        calls = 0;
        Var[] last = CheckpointedChain.run(step(), new Var[] {h0}, T, s);
        last[0].sum().backward();
        return Memory.peakSavedBytes();
    }

    @Benchmark
    public Tensor run() {
        lastPeak = forwardBackward(chosen);
        return w.grad();
    }

    @TearDown(Level.Trial)
    public void report() {
        Plan plan = Planner.plan(T, chosen);
        System.out.printf("%n[checkpoint] %s: peak saved %.1f MB = %.2f%% of storeAll's %.1f MB (state %d B, step %d B);"
                        + " %d step evaluations counted; %s%n",
                schedule, lastPeak / 1e6, 100.0 * lastPeak / fullPeak, fullPeak / 1e6, stateBytes, stepBytes, calls, plan);
    }

    /**
     * Interleaved measurement: median per-round ratios to storeAll of wall time and of the
     * benchmark thread's CPU time (see the class comment). CPU time leaves out time the thread
     * waits for a core, so it is the steadier figure on a loaded machine; it also leaves out the
     * garbage collector's threads, whose time is reported separately.
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        String[] names = {"storeAll", "sqrtT", "budget5", "budget5steps"};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CheckpointBenchmark[] runs = new CheckpointBenchmark[names.length];
        for (int i = 0; i < names.length; i++) {
            runs[i] = new CheckpointBenchmark();
            runs[i].schedule = names[i];
            runs[i].setUp();
            runs[i].run(); // warm-up
        }
        double[][] wall = new double[names.length][rounds];
        double[][] cpu = new double[names.length][rounds];
        double[][] gc = new double[names.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < names.length; j++) {
                int i = (j + r) % names.length;
                long g0 = gcMillis();
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                runs[i].run();
                wall[i][r] = (System.nanoTime() - t0) / 1e6;
                cpu[i][r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
                gc[i][r] = gcMillis() - g0;
            }
            System.out.printf("round %d (load average %.1f), wall / cpu / gc ms:", r,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (int i = 0; i < names.length; i++) {
                System.out.printf(" %s %.0f / %.0f / %.0f", names[i], wall[i][r], cpu[i][r], gc[i][r]);
            }
            System.out.println();
        }
        for (int i = 0; i < names.length; i++) {
            runs[i].report();
            System.out.printf("  %s: wall median %.0f ms (min %.0f), cpu median %.0f ms (min %.0f), gc median %.0f ms; "
                            + "per-round ratio to storeAll, median: wall %.3f, cpu %.3f; cpu ratios %s%n",
                    names[i], median(wall[i]), min(wall[i]), median(cpu[i]), min(cpu[i]), median(gc[i]),
                    median(ratios(wall, i)), median(ratios(cpu, i)), Arrays.toString(
                            Arrays.stream(ratios(cpu, i)).map(v -> Math.round(v * 1000) / 1000.0).toArray()));
        }
    }

    /** Total time the collectors have reported so far (their own threads: not in the CPU time above). */
    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    private static double[] ratios(double[][] times, int i) {
        double[] ratio = new double[times[i].length];
        for (int r = 0; r < ratio.length; r++) {
            ratio[r] = times[i][r] / times[0][r];
        }
        return ratio;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
