package io.chainrule.examples.cli;

import io.chainrule.examples.io.FlatJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chainrule gradcheck}: every cell under every strategy agrees with finite differences of
 * its surrogate objective; against the true loss, truncated and randomized gradients fail and the
 * exit status says so.
 */
class GradcheckCommandTest {
    private static final Pattern ROW = Pattern.compile(
            "^(linear|rnn|gru|lstm)\\s+(\\S+)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(ok|FAILED)$", Pattern.MULTILINE);

    @Test
    void everyCellUnderEveryStrategyPassesAndTheTablePrintsNumbers() {
        Cli.Result r = Cli.run("gradcheck", "--steps", "6");
        assertEquals(0, r.exit(), r::toString);
        Matcher m = ROW.matcher(r.out());
        Set<String> cases = new HashSet<>();
        while (m.find()) {
            cases.add(m.group(1) + " " + m.group(2));
            assertEquals("6", m.group(3));
            double rel = Double.parseDouble(m.group(4));
            double raw = Double.parseDouble(m.group(5));
            assertTrue(rel >= 0 && rel <= 1e-6, m.group());
            assertTrue(raw > 0 && raw < 1e-6, () -> "finite differences never agree exactly, nor badly: " + m.group());
            assertEquals("ok", m.group(6));
        }
        assertEquals(20, cases.size(), r::toString);
        assertTrue(cases.contains("lstm randomized:0.5") && cases.contains("linear truncated:3")
                && cases.contains("gru checkpoint:slots=2") && cases.contains("rnn checkpoint:sqrt"), cases::toString);
        assertTrue(r.out().contains("randomized:0.5 uses the fixed draws xi = ["), r::toString);
        assertTrue(r.out().contains("all 20 cases passed"), r::toString);
    }

    @Test
    void jsonHasOneObjectPerCaseWithTheDocumentedFields() throws IOException {
        Cli.Result r = Cli.run("gradcheck", "--cell", "rnn,gru", "--strategy", "full,truncated:2", "--steps", "5", "--json");
        assertEquals(0, r.exit(), r::toString);
        List<Map<String, Object>> rows = FlatJson.parseArray(r.out(), "gradcheck --json");
        assertEquals(4, rows.size(), r::toString);
        Set<String> cases = new HashSet<>();
        for (Map<String, Object> row : rows) {
            assertEquals(List.of("cell", "strategy", "steps", "maxRelError", "passed"), List.copyOf(row.keySet()));
            cases.add(row.get("cell") + " " + row.get("strategy"));
            assertEquals(5L, row.get("steps"));
            assertTrue(((Number) row.get("maxRelError")).doubleValue() <= 1e-6, row::toString);
            assertEquals(Boolean.TRUE, row.get("passed"));
        }
        assertEquals(Set.of("rnn full", "rnn truncated:2", "gru full", "gru truncated:2"), cases);
    }

    @Test
    void againstTheTrueLossOnlyFullBpttPassesAndTheExitStatusIsOne() throws IOException {
        Cli.Result r = Cli.run("gradcheck", "--cell", "rnn,lstm", "--true-objective", "--json");
        assertEquals(1, r.exit(), r::toString);
        List<Map<String, Object>> rows = FlatJson.parseArray(r.out(), "gradcheck --json");
        assertEquals(10, rows.size());
        for (Map<String, Object> row : rows) {
            // checkpointing changes memory and time, not the gradient: it passes against the true loss too
            boolean full = row.get("strategy").equals("full") || row.get("strategy").toString().startsWith("checkpoint:");
            assertEquals(full, row.get("passed"), row::toString);
            assertEquals(full, ((Number) row.get("maxRelError")).doubleValue() <= 1e-6, row::toString);
        }
        Cli.Result table = Cli.run("gradcheck", "--cell", "gru", "--strategy", "full,truncated:3", "--true-objective");
        assertEquals(1, table.exit(), table::toString);
        assertTrue(table.out().contains("1 of 2 cases FAILED"), table::toString);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--cell|transformer|'--cell'",
        "--strategy|truncated:0|tau must be positive",
        "--strategy|sometimes|unknown BPTT strategy",
        "--steps|0|--steps must be from 1 to 200",
        "--tolerance|0|--tolerance must be a finite positive number"})
    void badInputIsAUsageError(String option, String value, String message) {
        Cli.Result r = Cli.run("gradcheck", option, value);
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(message), r::toString);
        assertFalse(r.out().contains("cases passed"), r::toString);
    }

    @Test
    void helpListsEveryOption() {
        Cli.Result r = Cli.run("gradcheck", "--help");
        assertEquals(0, r.exit(), r::toString);
        for (String o : new String[] {"--cell", "--strategy", "--steps", "--input", "--hidden", "--batch", "--seed",
                "--tolerance", "--true-objective", "--json"}) {
            assertTrue(r.out().contains(o), o);
        }
    }
}
