package io.chainrule.examples.cli;

import io.chainrule.examples.io.FlatJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chainrule plan} against values computed independently of the planner, from the closed
 * form of Griewank and Walther's binomial schedule: the total step evaluations of the schedule for T = 1000 and s stored states are 500,500 (s=1), 29,820 (2), 7,284 (5),
 * 4,636 (10), 3,405 (32), 2,898 (100), 1,999 (999).
 */
class PlanCommandTest {
    private static final int[] SLOTS = {1, 2, 5, 10, 32, 100, 999};
    private static final long[] EVALUATIONS = {500_500, 29_820, 7_284, 4_636, 3_405, 2_898, 1_999};

    @Test
    void jsonMatchesTheOracle() throws IOException {
        Cli.Result r = Cli.run("plan", "--steps", "1000", "--slots", "1,2,5,10,32,100,999", "--json");
        assertEquals(0, r.exit(), r::toString);
        List<Map<String, Object>> rows = FlatJson.parseArray(r.out(), "plan --json");
        assertEquals(SLOTS.length, rows.size());
        for (int i = 0; i < SLOTS.length; i++) {
            Map<String, Object> row = rows.get(i);
            assertEquals(List.of("steps", "slots", "evaluations", "extraForward", "peakStates"), List.copyOf(row.keySet()));
            assertEquals(1000L, row.get("steps"));
            assertEquals((long) SLOTS[i], row.get("slots"));
            assertEquals(EVALUATIONS[i], row.get("evaluations"), "T = 1000, s = " + SLOTS[i]);
            assertEquals(EVALUATIONS[i] - 1000, row.get("extraForward"));
            assertTrue((Long) row.get("peakStates") <= SLOTS[i], row::toString);
        }
    }

    @Test
    void theTableMatchesTheOracle() {
        Cli.Result r = Cli.run("plan", "--steps", "1000", "--slots", "1,2,5,10,32,100,999");
        assertEquals(0, r.exit(), r::toString);
        Matcher m = Pattern.compile("^\\s*(\\d+)\\s+([\\d,]+)\\s+([\\d,]+)\\s+(\\d+)\\s+([\\d.]+)$", Pattern.MULTILINE)
                .matcher(r.out());
        for (int i = 0; i < SLOTS.length; i++) {
            assertTrue(m.find(), r::toString);
            assertEquals(SLOTS[i], Integer.parseInt(m.group(1)));
            assertEquals(EVALUATIONS[i], Long.parseLong(m.group(2).replace(",", "")));
            assertEquals(EVALUATIONS[i] - 1000, Long.parseLong(m.group(3).replace(",", "")));
        }
        assertTrue(r.out().contains("store all: 1,000 evaluations"), r::toString);
        assertTrue(r.out().contains("segments of 32: 1,992 evaluations"), r::toString);
    }

    @Test
    void aMemoryBudgetBuysAsManySlotsAsStatesFit() throws IOException {
        // 100,000 bytes of states of 4,104 bytes (B = 16, H = 32, float64, and the running loss): 24 states
        Cli.Result r = Cli.run("plan", "--steps", "1000", "--memory", "100000", "--state-bytes", "4104", "--json");
        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> budget = FlatJson.parseArray(r.out(), "plan --json").get(0);
        assertEquals(24L, budget.get("slots"));
        Map<String, Object> slots = FlatJson.parseArray(Cli.run("plan", "--steps", "1000", "--slots", "24", "--json").out(),
                "plan --json").get(0);
        assertEquals(slots, budget);
    }

    @Test
    void theMemoryTakesUnits() throws IOException {
        // 100 KiB = 102,400 bytes: 24 states of 4,104 bytes, as in bytes
        Cli.Result kib = Cli.run("plan", "--steps", "1000", "--memory", "100KiB", "--state-bytes", "4104", "--json");
        assertEquals(0, kib.exit(), kib::toString);
        assertEquals(FlatJson.parseArray(Cli.run("plan", "--steps", "1000", "--memory", "102400", "--state-bytes", "4104",
                "--json").out(), "plan --json"), FlatJson.parseArray(kib.out(), "plan --json"));
        Cli.Result gib = Cli.run("plan", "--steps", "1000", "--memory", "1GiB", "--state-bytes", "4104");
        assertEquals(0, gib.exit(), gib::toString);
        assertTrue(gib.out().contains("1,073,741,824 bytes (1.00 GiB) for states of 4,104 bytes"), gib::toString);
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(new String[] {"--steps", "10"}, "Missing required argument"),
                Arguments.of(new String[] {"--slots", "3"}, "Missing required option: '--steps=T'"),
                Arguments.of(new String[] {"--steps", "0", "--slots", "3"}, "--steps must be from 1 to 1,000,000"),
                Arguments.of(new String[] {"--steps", "10", "--slots", "0"}, "--slots must be positive"),
                Arguments.of(new String[] {"--steps", "10", "--memory", "100"}, "--state-bytes"),
                Arguments.of(new String[] {"--steps", "10", "--slots", "2", "--memory", "100", "--state-bytes", "8"},
                        "mutually exclusive"),
                Arguments.of(new String[] {"--steps", "10", "--memory", "10", "--state-bytes", "100"}, "holds no state"),
                Arguments.of(new String[] {"--steps", "10", "--memory", "1GB!", "--state-bytes", "100"},
                        "'1GB!' is not a byte quantity"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void badInputIsAUsageError(String[] args, String message) {
        String[] all = new String[args.length + 1];
        all[0] = "plan";
        System.arraycopy(args, 0, all, 1, args.length);
        Cli.Result r = Cli.run(all);
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(message), r::toString);
        assertFalse(r.err().contains("Error:"), () -> "picocli's prefix doubles ours: " + r);
    }
}
