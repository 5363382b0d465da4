package io.chainrule.examples.numbered;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each numbered example runs (each checks its own claim and throws if it fails) and prints the
 * numbers it promises.
 */
class NumberedExamplesTest {

    static String output(Consumer<PrintStream> example) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        example.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Example01ScalarGradient", "Example02LinearRnnClosedForm", "Example03UserDefinedCell",
        "Example04VanishingExploding", "Example05CheckpointTradeoff", "Example06UserDefinedOp",
        "Example07PyTorchInterop"})
    void everyExampleHasAPublicMain(String name) throws Exception {
        Method main = Class.forName("io.chainrule.examples.numbered." + name).getMethod("main", String[].class);
        assertTrue(Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers()), name);
    }

    @Test
    void example01BackwardGivesTheCalculusDerivatives() {
        String out = output(Example01ScalarGradient::run);
        Matcher m = Pattern.compile("df/d([xy]): backward (\\S+), calculus (\\S+)").matcher(out);
        int found = 0;
        while (m.find()) {
            found++;
            assertEquals(Double.parseDouble(m.group(3)), Double.parseDouble(m.group(2)), 1e-15, m.group());
        }
        assertEquals(2, found, out);
    }

    @Test
    void example02AutodiffEqualsTheClosedForm() {
        String out = output(Example02LinearRnnClosedForm::run);
        Matcher m = Pattern.compile("dL/dW_(hx|hh|qh): largest difference (\\S+) of").matcher(out);
        int found = 0;
        while (m.find()) {
            found++;
            assertTrue(Double.parseDouble(m.group(2)) <= 1e-12, m.group());
        }
        assertEquals(3, found, out);
    }

    @Test
    void example03TheUserDefinedCellPassesGradCheck() {
        String out = output(Example03UserDefinedCell::run);
        assertTrue(out.contains("the minimal gated unit's BPTT gradients agree with finite differences"), out);
        Matcher m = Pattern.compile("^(\\S+)\\s+(\\d+) values checked, largest relative error (\\S+)$", Pattern.MULTILINE)
                .matcher(out);
        int inputs = 0;
        while (m.find()) {
            inputs++;
            assertTrue(Integer.parseInt(m.group(2)) > 0 && Double.parseDouble(m.group(3)) <= 1e-6, m.group());
        }
        assertEquals(7, inputs, "five cell parameters and the output layer's two: " + out);
    }

    @Test
    void example04GradientsScaleByRhoToTheTenthEveryTenSteps() {
        String out = output(Example04VanishingExploding::run);
        Matcher m = Pattern.compile("^\\s+(\\S+)(\\s+\\S+){5}\\s+(\\S+) \\((\\S+)\\)$", Pattern.MULTILINE).matcher(out);
        List<Double> rhos = new ArrayList<>();
        while (m.find()) {
            double rho = Double.parseDouble(m.group(1));
            rhos.add(rho);
            assertEquals(Math.pow(rho, 10), Double.parseDouble(m.group(3)), 0.01 * Math.pow(rho, 10), m.group());
        }
        assertEquals(List.of(0.5, 1.0, 1.5), rhos, out);
    }

    @Test
    void example05FewerStoredStatesCostMoreEvaluationsAndLessMemory() {
        String out = output(Example05CheckpointTradeoff::run);
        Matcher m = Pattern.compile("^(\\S+)\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)  bitwise$", Pattern.MULTILINE).matcher(out);
        List<String> schedules = new ArrayList<>();
        double lastPeak = Double.POSITIVE_INFINITY;
        long lastEvaluations = 0;
        while (m.find()) {
            schedules.add(m.group(1));
            double peak = Double.parseDouble(m.group(2));
            long evaluations = Long.parseLong(m.group(3));
            assertEquals(Long.parseLong(m.group(4)), evaluations, "counted = planned: " + m.group());
            assertTrue(peak < lastPeak && evaluations > lastEvaluations, () -> "each schedule down the list trades: " + out);
            lastPeak = peak;
            lastEvaluations = evaluations;
        }
        assertEquals(List.of("storeAll", "everyK(20)", "sqrtT", "optimal(8)", "optimal(3)"), schedules, out);
        assertTrue(out.contains("T=200"), out);
    }

    @Test
    void example07SavesStateDictsWithPyTorchsKeysAndMakesTheCellsBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String out = output(o -> {
            try {
                Example07PyTorchInterop.run(o, dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        for (String cell : List.of("gru", "lstm")) {
            assertTrue(out.contains(cell + ": saved " + cell + ".safetensors (keys [weight_ih_l0, weight_hh_l0, bias_ih_l0, "
                    + "bias_hh_l0])"), out);
            assertTrue(java.nio.file.Files.exists(dir.resolve(cell + "-io.safetensors")), cell);
        }
        assertEquals(2, out.split("hidden states bitwise equal: true", -1).length - 1, out);
    }

    @Test
    void example06AUserOpIsCheckedRecomputedAndGuardedLikeABuiltInOne() {
        String out = output(Example06UserDefinedOp::run);
        Matcher m = Pattern.compile("largest relative error (\\S+) over (\\d+) values").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) <= 1e-6 && Integer.parseInt(m.group(2)) == 12, m.group());
        assertTrue(out.contains("gradient bitwise equal to the stored one: true"), out);
        assertTrue(out.contains("anomaly mode: forward of 'softplus' produced NaN"), out);
        assertTrue(out.contains("its input 0 of 'softplus' (shape [2]) was saved at version 0 and is now at version 1"), out);
    }
}
