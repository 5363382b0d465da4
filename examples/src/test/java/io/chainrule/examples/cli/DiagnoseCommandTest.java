package io.chainrule.examples.cli;

import io.chainrule.core.Tensor;
import io.chainrule.core.io.Safetensors;
import io.chainrule.examples.plot.LinePlot;
import io.chainrule.rnn.diagnostics.Spectrum;
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
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chainrule diagnose}: for the linear RNN, the measured spectral radius is the requested ρ
 * and the gradient norm changes by ρ per step back (the chapter's analysis); the gate radii it
 * prints for a trained model are those of the weights in the run's model.safetensors; the CSV
 * holds the plotted numbers and the PNG decodes.
 */
class DiagnoseCommandTest {
    private static final Pattern SWEEP_ROW = Pattern.compile(
            "^(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(none|step \\d+)$", Pattern.MULTILINE);
    private static final Pattern GATES = Pattern.compile("spectral radius of each gate block of W_hh: (.*)$", Pattern.MULTILINE);

    @Test
    void theGradientNormChangesByRhoPerStepAndTheFilesHoldThePlottedNumbers(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("diag");
        Cli.Result r = Cli.run("diagnose", "--steps", "24", "--rho", "0.5,1.0,1.5", "--train-iterations", "5",
                "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);

        Matcher m = SWEEP_ROW.matcher(r.out());
        int rows = 0;
        while (m.find()) {
            if (m.group(1).equals("rho")) {
                continue;
            }
            rows++;
            double rho = Double.parseDouble(m.group(1));
            assertEquals(String.format(Locale.ROOT, "%.4f", rho), m.group(2), "the spectral radius of the W_hh used");
            assertTrue(Double.parseDouble(m.group(3)) > 0 && Double.parseDouble(m.group(4)) > 0, m.group());
            assertEquals(rho, Double.parseDouble(m.group(5)), 1e-3, () -> "factor per step back: " + m.group());
            assertEquals("none", m.group(6));
        }
        assertEquals(3, rows, r::toString);

        List<String> csv = Files.readAllLines(out.resolve("gradients.csv"));
        assertEquals("t,rho=0.5,rho=1.0,rho=1.5,trained gru (brackets)", csv.get(0));
        assertEquals(25, csv.size());
        double[][] norms = new double[24][];
        for (int t = 0; t < 24; t++) {
            String[] f = csv.get(t + 1).split(",");
            assertEquals(Integer.toString(t), f[0]);
            norms[t] = new double[4];
            for (int k = 0; k < 4; k++) {
                norms[t][k] = Double.parseDouble(f[k + 1]);
                assertTrue(norms[t][k] > 0 && Double.isFinite(norms[t][k]), csv.get(t + 1));
            }
        }
        for (int t = 0; t < 11; t++) {
            assertEquals(0.5, norms[t][0] / norms[t + 1][0], 1e-3, "rho 0.5 shrinks the gradient by half a step back");
            assertEquals(1.0, norms[t][1] / norms[t + 1][1], 1e-3, "rho 1 keeps it");
            assertEquals(1.5, norms[t][2] / norms[t + 1][2], 1e-3, "rho 1.5 grows it by half a step back");
        }

        BufferedImage png = ImageIO.read(out.resolve("gradients.png").toFile());
        assertNotNull(png, "gradients.png decodes");
        assertEquals(LinePlot.WIDTH, png.getWidth());
        assertEquals(LinePlot.HEIGHT, png.getHeight());

        // the model trained on the spot is saved, and the radii printed are those of its saved weights
        assertGateRadiiAreThoseOfTheSavedWeights(r.out(), out.resolve("model"), List.of("r", "z", "n"));
    }

    @Test
    void aTrainedRunIsDiagnosedFromItsFiles(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        Cli.Result train = Cli.run("train", "--cell", "lstm", "--hidden", "5", "--batch", "3", "--steps", "12",
                "--iterations", "6", "--out", run.toString());
        assertEquals(0, train.exit(), train::toString);
        Cli.Result r = Cli.run("diagnose", "--run", run.toString(), "--steps", "10", "--rho", "0.9", "--out",
                dir.resolve("diag").toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("trained model: lstm, hidden 5, brackets task, iteration 6 of " + run), r::toString);
        assertGateRadiiAreThoseOfTheSavedWeights(r.out(), run, List.of("i", "f", "g", "o"));
        assertTrue(Files.readAllLines(dir.resolve("diag/gradients.csv")).get(0).endsWith(",trained lstm (brackets)"));
    }

    private static void assertGateRadiiAreThoseOfTheSavedWeights(String out, Path run, List<String> gates) throws IOException {
        Matcher g = GATES.matcher(out);
        assertTrue(g.find(), out);
        String[] parts = g.group(1).split(", ");
        assertEquals(gates.size(), parts.length, g.group());
        Tensor w = Safetensors.load(run.resolve("model.safetensors")).tensor("cell.weight_hh_l0");
        Spectrum[] blocks = Spectrum.ofGateBlocks(w);
        for (int i = 0; i < parts.length; i++) {
            String[] kv = parts[i].split(" ");
            assertEquals(gates.get(i), kv[0]);
            assertEquals(String.format(Locale.ROOT, "%.4f", blocks[i].spectralRadius()), kv[1], parts[i]);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--rho|0|--rho values must be finite and positive",
        "--steps|2|--steps must be from 3",
        "--hidden|0|--hidden must be from 1 to 1024",
        "--train-iterations|0|--train-iterations must be from 1 to 100000"})
    void badInputIsAUsageError(String option, String value, String message) {
        Cli.Result r = Cli.run("diagnose", option, value);
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(message), r::toString);
    }

    @Test
    void aRunDirectoryWithoutARunIsAFailureNamingTheFile(@TempDir Path dir) {
        Cli.Result r = Cli.run("diagnose", "--run", dir.resolve("nothing").toString(), "--steps", "5", "--out",
                dir.resolve("diag").toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("chainrule diagnose: error:") && r.err().contains("config.json"), r::toString);
    }
}
