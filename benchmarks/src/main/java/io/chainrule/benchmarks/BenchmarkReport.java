package io.chainrule.benchmarks;

import io.chainrule.autodiff.Memory;
import io.chainrule.core.Parallelism;
import io.chainrule.core.kernel.Kernels;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Runs a short version of the benchmark suite and writes {@code docs/benchmarks.md}: the kernel,
 * the engine against the hand-written baseline, recurrent layers by cell and size, the PyTorch
 * fastrnns LSTM default, thread scaling, per-op cost, and time and peak saved memory of every
 * BPTT strategy on a long sequence. Every figure in the file comes from this run.
 *
 * <pre>
 * mvn -B -q -DskipTests package
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar io.chainrule.benchmarks.BenchmarkReport [docs/benchmarks.md]
 * </pre>
 *
 * The short version uses 2 warm-up and 3 measured iterations of 1 s per configuration in one
 * fork (5 for the LSTM configurations whose iterations take seconds; about 15 minutes on 2 cores);
 * its error bars are wider than a full JMH run's.
 */
public final class BenchmarkReport {
    private BenchmarkReport() {
    }

    /** The heading of the hand-written notes at the end of the report, which a new run keeps. */
    static final String NOTES = "## Notes on the measurements and what makes it fast";

    private static final String COMMAND = "mvn -B -q -DskipTests package && java --add-modules jdk.incubator.vector "
            + "-cp benchmarks/target/benchmarks.jar io.chainrule.benchmarks.BenchmarkReport";

    public static void main(String[] args) throws RunnerException, IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        StringBuilder md = new StringBuilder();
        md.append("# chainrule benchmarks\n\n");
        md.append("Made by one run of\n\n```bash\n").append(COMMAND).append("\n```\n\n");
        md.append("on ").append(LocalDate.now()).append(", ").append(machine()).append(". Kernels: ")
                .append(Kernels.describe()).append(". Short JMH runs (2 warm-up and 3 measured iterations of 1 s, one ")
                .append("fork; 5 measured iterations for the LSTM configurations whose iterations take seconds): "
                        + "figures are means ± JMH's 99.9% error. The machine is shared; compare ratios ")
                .append("measured in the same run rather than absolute numbers across runs.\n\n");

        kernels(md);
        engineVsBaseline(md);
        recurrent(md);
        fastRnns(md);
        threads(md);
        opCost(md);
        strategies(md);

        Files.createDirectories(out.toAbsolutePath().getParent());
        // the hand-written notes at the end of the file (from NOTES on) are kept, not regenerated
        if (Files.exists(out)) {
            String old = Files.readString(out, StandardCharsets.UTF_8);
            int notes = old.indexOf(NOTES);
            if (notes >= 0) {
                md.append('\n').append(old.substring(notes));
            }
        }
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep "unknown CPU"
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", Java "
                + System.getProperty("java.version");
    }

    private static ChainedOptionsBuilder options(String benchmarkRegex) {
        return new OptionsBuilder().include(benchmarkRegex).forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }

    private static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static double score(RunResult r) {
        return r.getPrimaryResult().getScore();
    }

    private static double error(RunResult r) {
        double e = r.getPrimaryResult().getScoreError();
        return Double.isNaN(e) ? 0 : e;
    }

    // ------------------------------------------------------------------ sections

    private static void kernels(StringBuilder md) throws RunnerException {
        Collection<RunResult> rs = run(options(MatMulBenchmark.class.getSimpleName())
                .param("trans", "NN", "NT").param("threads", "1").param("precision", "f64"));
        md.append("## Matrix-product kernel (float64, one thread)\n\n");
        md.append("`MatMulBenchmark`; GFLOP/s = 2·M·N·K / time. Target: 20 on the 32-row shapes, 25 on the square one.\n\n");
        md.append("| M×K×N | layout | µs | GFLOP/s |\n|---|---|---|---|\n");
        for (RunResult r : rs) {
            String shape = r.getParams().getParam("shape");
            String[] d = shape.split("x");
            double flops = 2.0 * Double.parseDouble(d[0]) * Double.parseDouble(d[1]) * Double.parseDouble(d[2]);
            double us = score(r);
            md.append(fmt("| %s | %s | %.0f ± %.0f | %.1f |%n", shape, r.getParams().getParam("trans"), us, error(r),
                    flops / (us * 1e3)));
        }
        md.append('\n');
    }

    private static void engineVsBaseline(StringBuilder md) throws RunnerException {
        Collection<RunResult> rs = run(options(EngineVsBaselineBenchmark.class.getSimpleName()));
        md.append("## The engine against a hand-written BPTT (tanh RNN, B=32, D=64, T=100, one thread)\n\n");
        md.append("`EngineVsBaselineBenchmark`: forward + backward through the autodiff engine versus "
                + "`TanhRnnBaseline`, the chapter's recursions coded on the same kernels. Target: ratio ≤ 1.10 at H=256.\n\n");
        md.append("The JMH columns time the two in separate forks; the last column times them in one JVM, "
                + "alternating blocks of iterations for 21 rounds (`EngineVsBaselineBenchmark.interleaved`: the "
                + "median of the rounds' ratios and the quartiles), which is the ratio to quote on a shared machine.\n\n");
        md.append("| H | engine ms | hand-written ms | ratio of the JMH means | ratio, interleaved |\n|---|---|---|---|---|\n");
        for (String h : new String[] {"32", "256"}) {
            RunResult engine = find(rs, "engine", "hidden", h);
            RunResult hand = find(rs, "handWritten", "hidden", h);
            EngineVsBaselineBenchmark.Ratio ratio = EngineVsBaselineBenchmark.interleaved(Integer.parseInt(h), 21);
            md.append(fmt("| %s | %.2f ± %.2f | %.2f ± %.2f | %.2f | %.2f (%.2f–%.2f) |%n", h, score(engine),
                    error(engine), score(hand), error(hand), score(engine) / score(hand), ratio.median, ratio.low,
                    ratio.high));
        }
        md.append('\n');
    }

    private static void recurrent(StringBuilder md) throws RunnerException {
        Collection<RunResult> rs = run(options(RecurrentBenchmark.class.getSimpleName())
                .param("hidden", "32", "256", "1024").param("threads", "1"));
        md.append("## Recurrent layers, forward + backward (B=32, D=64, T=100, one thread)\n\n");
        md.append("`RecurrentBenchmark`; loss (1/T) Σ_t Σ h_t; effective GFLOP/s counts the matrix products only: "
                + "6·T·B·G·H·(D+H) with G = 1, 3, 4 gate blocks. Targets (tanh RNN): H=32 ≤ 2 ms, H=256 ≤ 60 ms "
                + "(PyTorch 1.13 on this machine class: about 8 ms and 70 ms).\n\n");
        md.append("| cell | H | ms | GFLOP/s |\n|---|---|---|---|\n");
        for (RunResult r : rs) {
            String cell = r.getParams().getParam("cell");
            int h = Integer.parseInt(r.getParams().getParam("hidden"));
            double ms = score(r);
            md.append(fmt("| %s | %d | %.2f ± %.2f | %.1f |%n", cell, h, ms, error(r),
                    RecurrentWorkload.flops(cell, 100, 32, 64, h) / (ms * 1e6)));
        }
        md.append('\n');
    }

    private static void fastRnns(StringBuilder md) throws RunnerException {
        Collection<RunResult> rs = run(options(RecurrentBenchmark.class.getSimpleName())
                .param("cell", "lstm").param("hidden", "512").param("input", "512").param("batch", "64")
                .param("threads", "1").measurementIterations(5));
        RunResult r = rs.iterator().next();
        double ms = score(r);
        md.append("## PyTorch fastrnns default: LSTM, input = hidden = 512, B=64, T=100, one thread\n\n");
        md.append(fmt("%.1f ± %.1f ms an iteration, %.1f effective GFLOP/s (target ≥ 25).%n%n", ms, error(r),
                RecurrentWorkload.flops("lstm", 100, 64, 512, 512) / (ms * 1e6)));
    }

    private static void threads(StringBuilder md) throws RunnerException {
        Collection<RunResult> rs = run(options(RecurrentBenchmark.class.getSimpleName())
                .param("cell", "rnn").param("hidden", "1024").param("threads", "1", "2"));
        RunResult one = find(rs, null, "threads", "1");
        RunResult two = find(rs, null, "threads", "2");
        EngineVsBaselineBenchmark.Ratio s = ThreadScaling.interleaved(1024, 15);
        md.append("## Thread scaling: tanh RNN, H=1024, B=32, D=64, T=100\n\n");
        md.append(fmt("JMH, separate forks: one thread %.1f ± %.1f ms, two threads %.1f ± %.1f ms, a speed-up of %.2f. "
                        + "Interleaved in one JVM (`ThreadScaling`: %d rounds alternating two iterations on each, the "
                        + "median of the rounds' speed-ups and the quartiles), the figure to quote on a shared machine: "
                        + "**%.2f (%.2f–%.2f)** (target ≥ 1.7). Threads split matrix products over blocks of C; results are "
                        + "bitwise the same.%n%n",
                score(one), error(one), score(two), error(two), score(one) / score(two), s.rounds, s.median, s.low, s.high));
    }

    private static void opCost(StringBuilder md) throws RunnerException {
        Collection<RunResult> rs = run(options(OpCostBenchmark.class.getSimpleName()));
        md.append("## Per-op cost: record + backward on tiny tensors\n\n");
        md.append("`OpCostBenchmark`: a chain of 1000 ops, time per op. Target ≤ 1 µs (PyTorch eager: 2–7 µs).\n\n");
        md.append("| op | elements | ns per op |\n|---|---|---|\n");
        for (RunResult r : rs) {
            md.append(fmt("| %s | %s | %.0f ± %.0f |%n", r.getParams().getParam("op"), r.getParams().getParam("size"),
                    score(r), error(r)));
        }
        md.append('\n');
    }

    private static void strategies(StringBuilder md) throws RunnerException {
        String[] names = {"full", "truncated:50", "randomized:0.1", "checkpoint:sqrt", "checkpoint:slots=10", "budget:0.05"};
        // peak saved bytes: one run of each strategy in this process, with the engine's own account
        List<Long> peaks = new ArrayList<>();
        Parallelism.setThreads(1);
        RecurrentWorkload w = new RecurrentWorkload("lstm", 1000, 32, 64, 256, 1);
        for (String s : names) {
            Memory.reset();
            var strategy = StrategyBenchmark.strategy(w, s);
            Memory.reset();
            w.run(strategy);
            peaks.add(Memory.peakSavedBytes());
        }
        Collection<RunResult> rs = run(options(StrategyBenchmark.class.getSimpleName())
                .warmupIterations(1).measurementIterations(5));
        md.append("## BPTT strategies on a long sequence: LSTM, H=256, B=32, D=64, T=1000, one thread\n\n");
        md.append("`StrategyBenchmark`; peak saved bytes are the engine's account (`Memory`) of one forward + "
                + "backward. Checkpointed strategies give gradients bitwise equal to full BPTT; `budget:0.05` is the "
                + "checkpoint schedule that spends 5% of full storage on stored states and recorded steps "
                + "(`Schedule.budget(bytes, bytesPerState, bytesPerStep)`); target after Gruslys et al. 2016: 5% of "
                + "the memory for at most 1.35x the time.\n\n");
        md.append("| strategy | s per iteration | time / full | peak saved MB | memory / full |\n|---|---|---|---|---|\n");
        RunResult full = find(rs, null, "strategy", "full");
        for (int i = 0; i < names.length; i++) {
            RunResult r = find(rs, null, "strategy", names[i]);
            md.append(fmt("| %s | %.2f ± %.2f | %.2f | %.1f | %.1f%% |%n", names[i], score(r) / 1e3, error(r) / 1e3,
                    score(r) / score(full), peaks.get(i) / 1e6, 100.0 * peaks.get(i) / peaks.get(0)));
        }
        md.append('\n');
    }

    /** The result whose benchmark method ends with {@code method} (any if null) and whose parameter matches. */
    private static RunResult find(Collection<RunResult> rs, String method, String param, String value) {
        for (RunResult r : rs) {
            String label = r.getParams().getBenchmark();
            if ((method == null || label.endsWith("." + method)) && value.equals(r.getParams().getParam(param))) {
                return r;
            }
        }
        throw new IllegalStateException("no result for " + method + " with " + param + "=" + value);
    }
}
