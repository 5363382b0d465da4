package io.chainrule.examples.cli;

import io.chainrule.core.Parallelism;
import io.chainrule.examples.bench.FlopCount;
import io.chainrule.examples.io.FlatJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chainrule bench} on a tiny configuration: the numbers parse and agree with each other; nothing about speed. */
class BenchCommandTest {

    @Test
    void jsonReportsTheMedianAndTheGflopsItImplies() throws IOException {
        int threadsBefore = Parallelism.threads();
        Cli.Result r = Cli.run("bench", "--cell", "gru", "--batch", "2", "--input", "3", "--hidden", "4", "--steps", "5",
                "--warmup", "1", "--warmup-seconds", "0", "--iterations", "3", "--threads", "2", "--strategy", "checkpoint:sqrt", "--json");
        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> m = FlatJson.parse(r.out(), "bench --json");
        double ms = ((Number) m.get("msPerIteration")).doubleValue();
        double gflops = ((Number) m.get("gflops")).doubleValue();
        assertTrue(ms > 0 && Double.isFinite(ms), m::toString);
        long flops = FlopCount.forwardBackward("gru", 5, 2, 3, 4);
        assertEquals(flops, m.get("flops"));
        assertEquals(flops / (ms * 1e6), gflops, 1e-12 * gflops);
        assertEquals(2L, m.get("threads"));
        assertEquals("checkpoint:sqrt", m.get("strategy"));
        assertEquals("float64", m.get("dtype"));
        assertEquals(ms / 5, ((Number) m.get("msPerStep")).doubleValue(), 1e-12 * ms);
        assertTrue((Long) m.get("peakSavedBytes") > 0, m::toString);
        assertEquals(threadsBefore, Parallelism.threads(), "the library's thread count is restored");
    }

    @Test
    void theTextReportNamesTheConfigurationAndTheNumbers() {
        Cli.Result r = Cli.run("bench", "--cell", "lstm", "--batch", "2", "--input", "3", "--hidden", "4", "--steps", "5",
                "--warmup", "0", "--warmup-seconds", "0.01", "--iterations", "2", "--threads", "1");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("lstm, B=2, D=3, H=4, T=5, float64, full BPTT, 1 thread"), r::toString);
        assertTrue(Pattern.compile("^peak of saved activations: [\\d,]+ bytes \\(\\S+ \\S+; the engine's account, "
                + "Memory.peakSavedBytes\\)$", Pattern.MULTILINE).matcher(r.out()).find(), r::toString);
        assertTrue(r.out().contains("warm-up of at least 0 iterations and 0.01 s, then 2 timed"), r::toString);
        Matcher ms = Pattern.compile("median (\\S+) ms per forward\\+backward \\(min (\\S+), max (\\S+)\\)").matcher(r.out());
        assertTrue(ms.find(), r::toString);
        double median = Double.parseDouble(ms.group(1));
        assertTrue(Double.parseDouble(ms.group(2)) <= median && median <= Double.parseDouble(ms.group(3)), ms.group());
        Matcher g = Pattern.compile("^([\\d,]+) FLOPs per iteration \\(4 x \\(4TBDH \\+ 6TBH\\^2\\)\\): (\\S+) GFLOP/s effective$",
                Pattern.MULTILINE).matcher(r.out());
        assertTrue(g.find(), r::toString);
        assertEquals(FlopCount.forwardBackward("lstm", 5, 2, 3, 4), Long.parseLong(g.group(1).replace(",", "")));
        assertTrue(Double.parseDouble(g.group(2)) > 0);
    }

    /** The bytes the engine saved, and the dtype, of one quick run. */
    private static Map<String, Object> quick(String... more) throws IOException {
        String[] base = {"bench", "--cell", "lstm", "--batch", "8", "--input", "3", "--hidden", "4", "--steps", "3000",
            "--warmup", "0", "--warmup-seconds", "0", "--iterations", "1", "--threads", "1", "--json"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r::toString);
        return FlatJson.parse(r.out(), "bench --json");
    }

    /**
     * --memory runs full BPTT under a checkpoint schedule chosen for the budget (written with a
     * unit): the engine's peak stays within it, where storing every step takes more. float32 saves
     * exactly half of float64's bytes (the engine's account).
     */
    @Test
    void aMemoryBudgetBoundsThePeakAndFloat32HalvesIt() throws IOException {
        Map<String, Object> full = quick();
        Map<String, Object> budget = quick("--memory", "2MiB");
        assertEquals("checkpoint:budget=2MiB", budget.get("strategy"));
        long stored = (Long) full.get("peakSavedBytes");
        long within = (Long) budget.get("peakSavedBytes");
        assertTrue(stored > 2L << 20 && within > 0 && within <= 2L << 20, () -> "full " + stored + ", budget " + within);
        Map<String, Object> single = quick("--dtype", "float32");
        assertEquals("float32", single.get("dtype"));
        assertEquals(stored, 2 * (Long) single.get("peakSavedBytes"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--memory|512 furlongs|Invalid value for option '--memory': '512furlongs' is not a byte quantity",
        "--dtype|float16|unknown dtype 'float16'; expected float64 or float32",
        "--cell|transformer|'--cell'",
        "--threads|0|--threads must be from 1 to",
        "--iterations|0|--iterations must be positive",
        "--warmup|-1|--warmup must be from 0 to 1000000, got -1",
        "--warmup-seconds|-1|--warmup-seconds must be from 0 to 3600 seconds, got -1.0",
        "--hidden|0|--hidden must be positive",
        "--strategy|bogus|unknown BPTT strategy 'bogus'"})
    void badInputIsAUsageError(String option, String value, String message) {
        Cli.Result r = Cli.run("bench", option, value);
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(message), r::toString);
    }

    @Test
    void aMemoryBudgetTakesNoOtherStrategy() {
        Cli.Result r = Cli.run("bench", "--memory", "1GiB", "--strategy", "truncated:4");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--memory 1GiB is full BPTT within 1GiB (--strategy checkpoint:budget=1GiB), and "
                + "--strategy truncated:4 is another strategy: give one of them"), r::toString);
    }
}
