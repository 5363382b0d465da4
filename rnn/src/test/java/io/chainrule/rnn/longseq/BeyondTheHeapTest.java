package io.chainrule.rnn.longseq;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sequence source whose whole sequence is larger than the heap of the JVM that differentiates
 * it: the unroll under a memory budget finishes (full-gradient BPTT, not truncated), and its first
 * steps' losses are bitwise those of the same steps with the inputs held whole.
 */
class BeyondTheHeapTest {

    static final int STEPS = 60_000;
    static final int BATCH = 4;
    static final int IN = 32;
    static final int HIDDEN = 8;
    static final int PREFIX = 300;
    static final String HEAP = "-Xmx40m";

    @Test
    void aSequenceLargerThanTheHeapIsDifferentiatedUnderABudget() throws IOException, InterruptedException {
        long sequenceBytes = 8L * STEPS * BATCH * IN;
        assertTrue(sequenceBytes > 40L << 20, "the sequence (" + sequenceBytes + " bytes) must exceed the heap");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(java, HEAP, "-cp", System.getProperty("java.class.path"),
                LongSequenceMain.class.getName(), "" + STEPS, "" + BATCH, "" + IN, "" + HIDDEN, "" + (8L << 20), "" + PREFIX));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done && p.exitValue() == 0, "the child JVM failed or did not finish:\n" + out);
        long peak = Long.parseLong(line(out, "peak"));
        assertTrue(peak <= 8L << 20, "peak saved bytes " + peak + " beyond the 8 MiB budget");
        assertTrue(Double.isFinite(Double.parseDouble(line(out, "gradnorm"))), out);

        // the same first steps with their inputs held whole
        double[] prefix = new double[PREFIX];
        Arrays.fill(prefix, Double.NaN);
        Cell cell = LongSequenceMain.cell(IN, HIDDEN);
        Tensor x = Tensor.stack(IntStream.range(0, PREFIX)
                .mapToObj(t -> LongSequenceMain.input(t, BATCH, IN)).toArray(Tensor[]::new));
        Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, BATCH), LongSequenceMain.loss(BATCH, HIDDEN, prefix),
                Bptt.full()).loss();
        String[] bits = line(out, "prefix").split(" ");
        assertEquals(PREFIX, bits.length);
        for (int t = 0; t < PREFIX; t++) {
            assertEquals(Double.doubleToRawLongBits(prefix[t]), Long.parseUnsignedLong(bits[t], 16),
                    "the loss of step " + t);
        }
    }

    private static String line(String out, String key) {
        for (String l : out.split("\n")) {
            if (l.startsWith(key + " ")) {
                return l.substring(key.length() + 1).trim();
            }
        }
        throw new AssertionError("no '" + key + "' line in the child's output:\n" + out);
    }
}
