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
        assertEquals(threadsBefore, Parallelism.threads(), "the library's thread count is restored");
    }

    @Test
    void theTextReportNamesTheConfigurationAndTheNumbers() {
        Cli.Result r = Cli.run("bench", "--cell", "lstm", "--batch", "2", "--input", "3", "--hidden", "4", "--steps", "5",
                "--warmup", "0", "--warmup-seconds", "0.01", "--iterations", "2", "--threads", "1");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("lstm, B=2, D=3, H=4, T=5, full BPTT, 1 thread"), r::toString);
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
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
}
