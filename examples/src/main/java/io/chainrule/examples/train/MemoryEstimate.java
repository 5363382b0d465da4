package io.chainrule.examples.train;

import io.chainrule.autodiff.checkpoint.Planner;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.examples.io.HeapBudget;
import io.chainrule.examples.task.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The memory a training run needs, estimated from its configuration before anything large is
 * allocated, so that a run that cannot fit is refused up front (with the estimate, the heap
 * available and how to raise it) instead of failing half way with an {@code OutOfMemoryError}.
 *
 * <p>With P parameters, T steps, B sequences, H hidden units, D inputs, Q outputs, in bytes:
 * <pre>
 *   parameters and Adam      5 · 8P            (values, gradients, two moments, one spare gradient-sized buffer)
 *   one iteration            2 · 8B · (k·H + 3Q) · (R + 2)  +  8TB · (D + Q)
 *   held-out evaluation      8TB · (E · (D + Q) + S·H)
 *   metrics                  {@value #BYTES_PER_ROW} · iterations
 * </pre>
 * k·H + 3Q is what the engine saves per step and sequence, measured with {@code Memory} (k = 2 for
 * linear, 3 rnn, 8 gru and lstm (their gates are one op each); 3Q for the output layer and loss), doubled for the gradients
 * backward makes; R is the number of steps recorded at once: T, or for checkpointed BPTT the
 * schedule's peak of recorded steps plus its stored states ({@link Planner}). Evaluation keeps
 * the task's E held-out batches and their outputs, and the states of one batch at a time (S
 * parts: 2 for an LSTM). A metrics row is kept in memory
 * and written as a line of metrics.csv at every checkpoint.
 *
 * <p>Every array must also fit Java's limit of {@value HeapBudget#MAX_ARRAY_ELEMENTS} elements; the largest ones are
 * the recurrent weights (G·H × H), the input projection of a batch (T·B × G·H) and the batch's
 * inputs (T·B × D).
 */
public record MemoryEstimate(List<Part> parts) {
    /** Bytes of a metrics row: the row in memory and its line in metrics.csv while it is written. */
    public static final long BYTES_PER_ROW = 170;
    /** Schedules are planned exactly up to this many steps; beyond, full storage is assumed (an upper bound). */
    static final int MAX_PLANNED_STEPS = 1_000_000;

    /** One term of the estimate. */
    public record Part(String what, double bytes) {
    }

    public MemoryEstimate {
        parts = List.copyOf(parts);
    }

    /** The estimate for training {@code config} on {@code task}. */
    public static MemoryEstimate of(TrainConfig config, Task task) {
        return of(config, task.inputSize(), task.outputSize(), task.evalBatchCount());
    }

    /** The estimate for training {@code config} on a task with these sizes. */
    public static MemoryEstimate of(TrainConfig c, int inputSize, int outputSize, int evalBatches) {
        double h = c.hidden();
        double b = c.batch();
        double t = c.steps();
        double d = inputSize;
        double q = outputSize;
        // a deep or bidirectional model: every layer and direction holds a cell's parameters and activations
        int directions = c.architecture().bidirectional() ? 2 : 1;
        double units = c.architecture().layers() * directions;
        double params = directions * parameters(c.cell(), d, h, 0)
                + (units - directions) * parameters(c.cell(), directions * h, h, 0) + q * (directions * h + 1);
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("parameters and Adam's state (" + String.format(Locale.ROOT, "%,.0f", params)
                + " parameters: " + c.cell() + ", hidden " + c.hidden() + ", " + (long) units + " cell(s))", 5 * 8 * params));
        parts.add(new Part("one iteration (batch " + c.batch() + " x " + c.steps() + " steps, " + (long) recordedSteps(c)
                + " recorded at once)", 2 * savedActivations(c, outputSize) + 8 * t * b * (d + q)));
        parts.add(new Part("held-out evaluation (" + evalBatches + " batches)",
                8 * t * b * (evalBatches * (d + q) + stateParts(c.cell()) * h)));
        parts.add(new Part("metrics (" + c.iterations() + " iterations)", (double) BYTES_PER_ROW * c.iterations()));
        return new MemoryEstimate(parts);
    }

    /**
     * The bytes of activations the engine saves at the peak of an iteration, 8B · (k·H + 3Q) · (R + 2)
     * (two steps' worth more for the state carried in and the loss; the engine's own account,
     * {@code Memory.peakSavedBytes}, is at most this).
     */
    public static double savedActivations(TrainConfig c, int outputSize) {
        double units = c.architecture().layers() * (c.architecture().bidirectional() ? 2 : 1);
        return 8.0 * c.batch() * (units * savedPerStep(c.cell()) * c.hidden() + 3.0 * outputSize) * (recordedSteps(c) + 2);
    }

    /** The estimate in bytes (a double: absurd configurations overflow a long). */
    public double total() {
        return parts.stream().mapToDouble(Part::bytes).sum();
    }

    /**
     * Refuses a configuration with an array larger than Java allows (an IllegalArgumentException
     * naming the options: no machine could run it).
     */
    public static void requireArraysFit(TrainConfig c, int inputSize, int outputSize) {
        requireArraysFit(c, inputSize, outputSize, false);
    }

    /**
     * {@link #requireArraysFit(TrainConfig, int, int)}; with {@code fromConfig} the message names
     * the keys of config.json ({@code 'hidden_size' 100000}) instead of the options.
     */
    public static void requireArraysFit(TrainConfig c, int inputSize, int outputSize, boolean fromConfig) {
        String hidden = fromConfig ? "'hidden_size' " + c.hidden() : "--hidden " + c.hidden();
        String steps = fromConfig ? "'steps' " + c.steps() : "--steps " + c.steps();
        String batch = fromConfig ? "'batch' " + c.batch() : "--batch " + c.batch();
        long g = gates(c.cell());
        long wide = Math.max(c.hidden(), (long) inputSize);
        check((double) g * c.hidden() * wide, hidden + " makes the recurrent weights of a " + c.cell() + " a "
                + String.format(Locale.ROOT, "%,d x %,d", g * c.hidden(), wide) + " array");
        check((double) c.steps() * c.batch() * g * c.hidden(), steps + " x " + batch + " x " + (g == 1 ? "" : g + " gates x ")
                + hidden + " makes the input projection of a batch");
        check((double) c.steps() * c.batch() * Math.max(inputSize, outputSize), steps + " x " + batch + " x "
                + Math.max(inputSize, outputSize) + " values a step makes the data of a batch");
    }

    private static void check(double elements, String what) {
        if (elements > HeapBudget.MAX_ARRAY_ELEMENTS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: %.3g elements, more than one Java array can hold (%,d); use smaller values", what, elements, HeapBudget.MAX_ARRAY_ELEMENTS));
        }
    }

    /**
     * Refuses (an IllegalStateException) when the estimate is more than the Java heap has
     * available; the message gives the estimate by part, the heap and how to raise it.
     */
    public void requireFits(String run) {
        long available = HeapBudget.available();
        double total = total();
        if (total <= available) {
            return;
        }
        StringBuilder sb = new StringBuilder(run).append(" needs about ").append(bytes(total)).append(" of memory (");
        for (int i = 0; i < parts.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(parts.get(i).what()).append(": ").append(bytes(parts.get(i).bytes()));
        }
        sb.append(") but the Java heap has ").append(HeapBudget.bytes(available)).append(" available (its limit is ")
                .append(HeapBudget.bytes(HeapBudget.limit())).append("); ")
                .append(HeapBudget.advice("make the largest part smaller", (long) Math.min(total, Long.MAX_VALUE / 2)));
        throw new IllegalStateException(sb.toString());
    }

    private static String bytes(double n) {
        return n < Long.MAX_VALUE / 2 ? HeapBudget.bytes((long) n) : String.format(Locale.ROOT, "%.3g bytes", n);
    }

    /** Parameters of the cell and the output layer (linear: no biases; the others PyTorch's two bias vectors). */
    static double parameters(String cell, double d, double h, double q) {
        double g = gates(cell);
        double recurrent = cell.equals("linear") ? h * (d + h) : g * h * (d + h) + 2 * g * h;
        return recurrent + q * (h + 1);
    }

    /** k: doubles the engine saves per step, sequence and hidden unit (measured with Memory). */
    static double savedPerStep(String cell) {
        return switch (cell) {
            case "linear" -> 2;
            case "rnn" -> 3;
            case "gru" -> 8;
            default -> 8;
        };
    }

    static int gates(String cell) {
        return switch (cell) {
            case "gru" -> 3;
            case "lstm" -> 4;
            default -> 1;
        };
    }

    static int stateParts(String cell) {
        return cell.equals("lstm") ? 2 : 1;
    }

    /** R: steps recorded at once, plus stored states, under the run's strategy. */
    static double recordedSteps(TrainConfig c) {
        Schedule schedule = StrategySpec.parse(c.strategy()).schedule();
        boolean planned = schedule != null && (c.steps() <= MAX_PLANNED_STEPS || !c.strategy().startsWith("checkpoint:slots"));
        if (!planned) {
            return c.steps();
        }
        var plan = Planner.plan(c.steps(), schedule);
        return Math.min(c.steps(), (double) plan.peakRecordedSteps() + plan.peakStates());
    }
}
