package io.chainrule.examples.cli;

import io.chainrule.core.Tensor;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.plot.LossPlot;
import io.chainrule.examples.task.Metric;
import io.chainrule.examples.task.Tasks;
import io.chainrule.examples.train.Evaluator;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each task and cell trains on a tiny configuration, and every file it writes reads back. */
class TrainOutputsTest {

    static Path textFile(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        String[] words = {"the ", "cat ", "sat ", "on ", "a ", "mat ", "and ", "ate ", "crème ", "brûlée\n"};
        for (int i = 0; sb.length() < 2600; i++) {
            sb.append(words[(i * 7 + i / 3) % words.length]);
        }
        Path f = dir.resolve("corpus.txt");
        Files.writeString(f, sb.toString());
        return f;
    }

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({"brackets, lstm", "brackets, gru", "brackets, rnn", "brackets, linear", "adding, lstm", "copy, gru",
            "sine, rnn", "text, lstm"})
    void aTinyRunWritesFilesThatReadBack(String task, String cell, @TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        String[] args = {"train", "--task", task, "--cell", cell, "--hidden", "6", "--batch", "3", "--steps", "12",
                "--iterations", "6", "--save-every", "4", "--seed", "7", "--out", out.toString()};
        if (task.equals("text")) {
            args = concat(args, "--file", textFile(dir).toString());
        }
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("trained 6 iterations"), r::toString);
        assertTrue(r.out().contains("held-out loss"), r::toString);
        assertTrue(r.out().contains("best constant prediction"), r::toString);
        assertEquals("", r.err(), "nothing on standard error when it is not a terminal and --progress is off");

        Map<String, Object> config = FlatJson.read(out.resolve(RunFiles.CONFIG));
        assertEquals(task, config.get("task"));
        assertEquals(cell, config.get("cell"));
        assertEquals(6L, config.get("hidden_size"));
        assertEquals(7L, config.get("seed"));
        assertEquals("full", config.get("strategy"));

        List<MetricsRow> rows = MetricsCsv.read(out.resolve(RunFiles.METRICS));
        assertEquals(6, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i + 1, rows.get(i).iteration());
            assertTrue(Double.isFinite(rows.get(i).loss()) && rows.get(i).loss() >= 0, rows.get(i)::toString);
            assertTrue(rows.get(i).gradNorm() >= 0 && rows.get(i).seconds() >= 0, rows.get(i)::toString);
        }

        BufferedImage png = ImageIO.read(out.resolve(RunFiles.PLOT).toFile());
        assertNotNull(png, "loss.png decodes");
        assertEquals(LossPlot.WIDTH, png.getWidth());
        assertEquals(LossPlot.HEIGHT, png.getHeight());

        Map<String, Object> summary = FlatJson.read(out.resolve(RunFiles.SUMMARY));
        assertEquals(6L, summary.get("iterations"));
        double heldOut = ((Number) summary.get("loss")).doubleValue();
        assertTrue(Double.isFinite(heldOut) && Double.isFinite(((Number) summary.get("constant_loss")).doubleValue()), summary::toString);

        assertTrue(Files.exists(out.resolve("optimizer-6.safetensors")));
        assertFalse(Files.exists(out.resolve("optimizer-4.safetensors")), "older optimizer states are removed");
        assertModelReloadsFromItsFiles(out, heldOut);
    }

    /** A model rebuilt from config.json and model.safetensors alone scores exactly what the run reported. */
    static void assertModelReloadsFromItsFiles(Path out, double reportedLoss) throws IOException {
        Map<String, Object> config = FlatJson.read(out.resolve(RunFiles.CONFIG));
        SafetensorsFile saved = Safetensors.load(out.resolve(RunFiles.MODEL));
        assertEquals("pt", saved.meta("format"));
        assertEquals(config.get("iterations").toString(), saved.meta("iteration"));
        Model model = Model.create((String) config.get("cell"), ((Long) config.get("input_size")).intValue(),
                ((Long) config.get("hidden_size")).intValue(), ((Long) config.get("output_size")).intValue(), 12345L);
        model.load(saved.tensors());
        for (Map.Entry<String, Tensor> e : saved.tensors().entrySet()) {
            Tensor p = model.parameters().get(e.getKey()).value();
            assertArrayEquals(bits(e.getValue()), bits(p), e.getKey());
        }
        Object file = config.get("text_file");
        List<Metric> metrics = Evaluator.evaluate(Tasks.create((String) config.get("task"),
                ((Long) config.get("steps")).intValue(), ((Long) config.get("batch")).intValue(), (Long) config.get("seed"),
                file == null ? null : Path.of((String) file)), model);
        assertEquals(Double.doubleToRawLongBits(reportedLoss), Double.doubleToRawLongBits(metrics.get(0).value()),
                "held-out loss of the reloaded model");
    }

    static long[] bits(Tensor t) {
        long[] b = new long[t.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = Double.doubleToRawLongBits(t.getFlat(i));
        }
        return b;
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void epochsCountPassesOverTheText(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        Path text = textFile(dir);
        Cli.Result r = Cli.run("train", "--task", "text", "--file", text.toString(), "--epochs", "2",
                "--hidden", "4", "--batch", "4", "--steps", "30", "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        int characters = Files.readString(text).codePointCount(0, Files.readString(text).length());
        long perPass = ((long) (characters * 0.9) / 4 - 1) / 30;
        assertTrue(perPass >= 2, "the corpus makes several batches a pass");
        assertEquals(2 * perPass, MetricsCsv.read(out.resolve(RunFiles.METRICS)).size(), r::toString);
        assertTrue(r.out().contains("held-out perplexity"), r::toString);
    }
}
