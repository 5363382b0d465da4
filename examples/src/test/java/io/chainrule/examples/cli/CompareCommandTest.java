package io.chainrule.examples.cli;

import io.chainrule.examples.compare.Comparison;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.plot.LinePlot;
import io.chainrule.examples.plot.LinePlotTestColours;
import io.chainrule.examples.train.MetricsCsv;
import io.chainrule.examples.train.MetricsRow;
import io.chainrule.examples.train.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chainrule compare} on a tiny configuration: every strategy starts from the same model and
 * data (the same first loss), the table and compare.json carry the same finite numbers, the
 * checkpointed run trains bitwise like full BPTT with a lower peak of saved bytes while truncation
 * changes the training, and compare.png decodes with every curve in it.
 */
class CompareCommandTest {
    private static final List<String> STRATEGIES = List.of("full", "truncated:3", "randomized:0.5", "checkpoint:slots=2");
    private static final Pattern ROW = Pattern.compile(
            "^(full|truncated:3|randomized:0.5|checkpoint:slots=2)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)%\\s+(\\S+)\\s+(\\S+)$",
            Pattern.MULTILINE);

    @Test
    void everyStrategyTrainsTheSameModelOnTheSameDataAndIsReported(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cmp");
        Cli.Result r = Cli.run("compare", "--strategies", String.join(",", STRATEGIES), "--hidden", "6", "--batch", "3",
                "--steps", "12", "--iterations", "8", "--seed", "5", "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), "no progress bar off a terminal");

        List<Map<String, Object>> json = FlatJson.parseArray(Files.readString(out.resolve("compare.json")), "compare.json");
        assertEquals(STRATEGIES.size(), json.size());
        Matcher m = ROW.matcher(r.out());
        for (int i = 0; i < STRATEGIES.size(); i++) {
            Map<String, Object> row = json.get(i);
            assertEquals(List.of("strategy", "trainLoss", "heldOutLoss", "closing_accuracy", "seconds", "peakSavedBytes"),
                    List.copyOf(row.keySet()));
            assertEquals(STRATEGIES.get(i), row.get("strategy"));
            double train = number(row, "trainLoss");
            double heldOut = number(row, "heldOutLoss");
            assertTrue(train > 0 && Double.isFinite(train) && heldOut > 0 && Double.isFinite(heldOut), row::toString);
            assertTrue(number(row, "seconds") >= 0 && (Long) row.get("peakSavedBytes") > 0, row::toString);
            // the table prints the same numbers
            assertTrue(m.find(), r::toString);
            assertEquals(STRATEGIES.get(i), m.group(1));
            assertEquals(String.format(java.util.Locale.ROOT, "%.4f", train), m.group(2));
            assertEquals(String.format(java.util.Locale.ROOT, "%.4f", heldOut), m.group(3));
            assertEquals(100 * number(row, "closing_accuracy"), Double.parseDouble(m.group(4)), 0.05);
            assertEquals((Long) row.get("peakSavedBytes") / 1e6, Double.parseDouble(m.group(6)), 0.005);
        }

        // the same initial model and batch: the first iteration's loss is bitwise the same under every strategy
        long firstLoss = Double.doubleToRawLongBits(rows(out, "full").get(0).loss());
        for (String s : STRATEGIES) {
            assertEquals(firstLoss, Double.doubleToRawLongBits(rows(out, s).get(0).loss()), s);
            assertEquals(8, rows(out, s).size(), s);
            assertEquals(s, FlatJson.read(Comparison.runDir(out, s).resolve(RunFiles.CONFIG)).get("strategy"));
        }
        // checkpointing changes memory, not training; truncation changes training
        assertEquals(bits(rows(out, "full")), bits(rows(out, "checkpoint:slots=2")));
        assertTrue((Long) json.get(3).get("peakSavedBytes") < (Long) json.get(0).get("peakSavedBytes"), json::toString);
        assertNotEquals(bits(rows(out, "full")), bits(rows(out, "truncated:3")));
        assertTrue(r.out().contains("checkpoint:slots=2 trained bitwise like full"), r::toString);
        assertTrue(r.out().contains("best constant prediction") && r.out().contains("best possible"), r::toString);

        BufferedImage png = ImageIO.read(out.resolve("compare.png").toFile());
        assertNotNull(png, "compare.png decodes");
        assertEquals(LinePlot.WIDTH, png.getWidth());
        assertEquals(LinePlot.HEIGHT, png.getHeight());
        // every curve's colour shows, at least in its legend entry (curves of so short a run overlap)
        for (int k = 0; k < STRATEGIES.size(); k++) {
            assertTrue(LinePlotTestColours.pixelsOf(png, LinePlot.PALETTE[k]) > 5, "the curve of " + STRATEGIES.get(k));
        }
        assertTrue(LinePlotTestColours.pixelsOf(png, LinePlot.PALETTE[3]) > 200, "the dashed checkpoint curve lies on top");
    }

    private static double number(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).doubleValue();
    }

    private static List<MetricsRow> rows(Path out, String strategy) throws IOException {
        return MetricsCsv.read(Comparison.runDir(out, strategy).resolve(RunFiles.METRICS));
    }

    private static List<Long> bits(List<MetricsRow> rows) {
        return rows.stream().flatMap(r -> java.util.stream.Stream.of(Double.doubleToRawLongBits(r.loss()),
                Double.doubleToRawLongBits(r.gradNorm()))).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--strategies|full,full|each strategy once",
        "--strategies|full,sometimes|unknown BPTT strategy 'sometimes'",
        "--strategies|checkpoint:slots=0|checkpoint:slots=0",
        "--cell|transformer|'--cell'",
        "--task|chess|'--task'",
        "--iterations|0|--iterations must be positive",
        "--steps|5|--steps"})
    void badInputIsAUsageError(String option, String value, String message) {
        String[] args = option.equals("--steps") ? new String[] {"compare", "--task", "copy", option, value}
                : new String[] {"compare", option, value};
        Cli.Result r = Cli.run(args);
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(message), r::toString);
    }
}
