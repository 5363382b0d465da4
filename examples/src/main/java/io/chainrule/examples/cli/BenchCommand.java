package io.chainrule.examples.cli;

import io.chainrule.core.Parallelism;
import io.chainrule.core.kernel.Kernels;
import io.chainrule.examples.bench.FlopCount;
import io.chainrule.examples.bench.Timing;
import io.chainrule.examples.bench.Workload;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.train.MemoryEstimate;
import io.chainrule.examples.train.StrategySpec;
import io.chainrule.examples.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code chainrule bench}: times one forward and backward of a recurrent cell. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time one configuration: forward and backward through T steps of a cell (loss: the sum of "
                + "every hidden state, divided by T), a few warm-up iterations, then timed ones; report the median "
                + "milliseconds per iteration and the effective GFLOP/s.",
                "",
                "FLOPs counted (matrix products only): G * (4*T*B*D*H + 6*T*B*H^2) per forward and backward, with "
                        + "G = 1 for linear and rnn, 3 for gru, 4 for lstm (forward 2TBDH + 2TBH^2, backward twice "
                        + "that without the input gradient). Effective: the same count whatever a strategy recomputes.",
                "",
                "The same workloads in PyTorch, side by side: docs/benchmarks.md."})
public final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--cell", defaultValue = "rnn", paramLabel = "CELL",
            description = "linear, rnn (tanh RNN), gru or lstm (default: ${DEFAULT-VALUE})")
    String cell;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "sequences (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--input", defaultValue = "64", paramLabel = "D", description = "input size (default: ${DEFAULT-VALUE})")
    int input;

    @Option(names = "--hidden", defaultValue = "256", paramLabel = "H", description = "hidden size (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--steps", defaultValue = "100", paramLabel = "T", description = "sequence length (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--strategy", defaultValue = "full", paramLabel = "SPEC",
            description = "BPTT strategy, as for train (default: ${DEFAULT-VALUE})")
    String strategy;

    @Option(names = "--threads", paramLabel = "N",
            description = "threads the kernels may use (default: the library's: -Dchainrule.threads=N, else every core)")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N", description = "untimed iterations first, at least (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "2", paramLabel = "S",
            description = "and warm up for at least this long, so that the JIT has compiled small configurations too (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--iterations", defaultValue = "10", paramLabel = "N", description = "timed iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "seed of weights and inputs (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print a JSON object with msPerIteration and gflops (and the configuration)")
    boolean json;

    @Override
    public Integer call() {
        validate();
        StrategySpec spec;
        try {
            spec = StrategySpec.parse(strategy);
        } catch (IllegalArgumentException e) {
            throw usage("Invalid value for option '--strategy': " + e.getMessage());
        }
        requireMemory(spec);
        int previous = Parallelism.threads();
        int used = threads != null ? threads : previous;
        Timing timing;
        try {
            Parallelism.setThreads(used);
            Workload w = new Workload(cell, batch, input, hidden, steps, spec.at(seed, 0), seed);
            timing = Timing.measure(w::iteration, warmup, warmupSeconds, iterations);
        } finally {
            Parallelism.setThreads(previous);
        }
        long flops = FlopCount.forwardBackward(cell, steps, batch, input, hidden);
        double ms = timing.median();
        double gflops = flops / (ms * 1e6);
        PrintWriter out = this.spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cell", cell);
            m.put("batch", batch);
            m.put("input", input);
            m.put("hidden", hidden);
            m.put("steps", steps);
            m.put("strategy", spec.toString());
            m.put("threads", used);
            m.put("flops", flops);
            m.put("msPerIteration", ms);
            m.put("gflops", gflops);
            out.print(FlatJson.format(m));
        } else {
            out.printf(Locale.ROOT, "chainrule bench: %s, B=%d, D=%d, H=%d, T=%d, %s BPTT, %d thread%s%n", cell, batch,
                    input, hidden, steps, spec, used, used == 1 ? "" : "s");
            out.println("kernels: " + Kernels.describe());
            out.printf(Locale.ROOT, "warm-up of at least %d iterations and %s s, then %d timed: median %.2f ms per "
                    + "forward+backward (min %.2f, max %.2f)%n", warmup, seconds(warmupSeconds), iterations, ms,
                    timing.min(), timing.max());
            out.printf(Locale.ROOT, "%,d FLOPs per iteration (%d x (4TBDH + 6TBH^2)): %.3g GFLOP/s effective%n",
                    flops, FlopCount.gates(cell), gflops);
        }
        out.flush();
        return 0;
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    /** Bounds: threads per core, untimed and timed iterations, warm-up seconds, and the least time a benchmark may take. */
    static final int THREADS_PER_CORE = 4;
    static final int MAX_ITERATIONS = 1_000_000;
    static final double MAX_WARMUP_SECONDS = 3600;
    static final double MAX_SECONDS = 3600;
    /** A generous ceiling of float64 GFLOP/s a thread (about the machine's peak), for the least time a benchmark can take. */
    static final double PEAK_GFLOPS_PER_THREAD = 100;

    private void validate() {
        if (!Model.CELLS.contains(cell)) {
            throw usage("Invalid value for option '--cell': expected one of " + Model.CELLS + " but was '" + cell + "'"
                    + ClosestMatch.hint(cell, Model.CELLS));
        }
        positive("--batch", batch);
        positive("--input", input);
        positive("--hidden", hidden);
        positive("--steps", steps);
        positive("--iterations", iterations);
        if (iterations > MAX_ITERATIONS) {
            throw usage("--iterations must be at most " + MAX_ITERATIONS + ", got " + iterations);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int maxThreads = Math.min(Parallelism.MAX_THREADS, THREADS_PER_CORE * cores);
        if (threads != null && (threads < 1 || threads > maxThreads)) {
            throw usage("--threads must be from 1 to " + maxThreads + " (" + THREADS_PER_CORE + " a core on this machine's "
                    + cores + "; more only take turns, each spinning while it waits), got " + threads);
        }
        if (warmup < 0 || warmup > MAX_ITERATIONS) {
            throw usage("--warmup must be from 0 to " + MAX_ITERATIONS + ", got " + warmup);
        }
        if (!(warmupSeconds >= 0) || !(warmupSeconds <= MAX_WARMUP_SECONDS)) {
            throw usage("--warmup-seconds must be from 0 to " + (long) MAX_WARMUP_SECONDS + " seconds, got " + warmupSeconds);
        }
        double flops = FlopCount.gates(cell) * (4.0 * steps * batch * input * hidden + 6.0 * steps * batch * hidden * hidden);
        double least = (warmup + (double) iterations) * flops / (PEAK_GFLOPS_PER_THREAD * 1e9 * (threads != null ? threads : cores));
        if (least > MAX_SECONDS) {
            throw usage(String.format(Locale.ROOT, "this benchmark would take at least %.1f hours (%d + %d iterations of "
                    + "%.3g FLOPs at %.0f GFLOP/s a thread, about the machine's peak); at most %.0f minutes: use fewer "
                    + "--iterations or --warmup, or smaller sizes", least / 3600, warmup, iterations, flops,
                    PEAK_GFLOPS_PER_THREAD, MAX_SECONDS / 60));
        }
    }

    /** Refuses sizes whose arrays Java cannot hold, or whose memory the heap has not ({@link MemoryEstimate}). */
    private void requireMemory(StrategySpec strategy) {
        TrainConfig sizes = new TrainConfig("brackets", null, cell, hidden, batch, steps, strategy.toString(), 0, 1, seed, 1, 1);
        try {
            MemoryEstimate.requireArraysFit(sizes, input, 1);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        MemoryEstimate.of(sizes, input, 1, 0).requireFits("this benchmark");
    }

    private void positive(String option, long value) {
        if (value <= 0) {
            throw usage(option + " must be positive, got " + value);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
