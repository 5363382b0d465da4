package io.chainrule.examples.train;

import io.chainrule.autodiff.checkpoint.Planner;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.examples.io.HeapBudget;
import io.chainrule.examples.task.Task;
import io.chainrule.rnn.Unroll;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The memory a training run needs, estimated from its configuration before anything large is
 * allocated, so that a run that cannot fit is refused up front (with the estimate, the heap
 * available and how to raise it) instead of failing half way with an {@code OutOfMemoryError}.
 *
 * <p>With P parameters, T steps, B sequences, H hidden units, D inputs, Q outputs, e bytes an
 * element of the model's dtype (8 for float64, 4 for float32), in bytes:
 * <pre>
 *   parameters and Adam      5 · eP            (values, gradients, two moments, one spare gradient-sized buffer)
 *   one iteration            2 · eB · (k·H + 3Q) · (R + 2)  +  8IB · D + 8TB · Q   (+ 4IB · D for float32)
 *     under a budget M       M + 2 · eB · (k·H + 3Q) · (C + 2)  +  the same inputs and targets
 *   held-out evaluation      8TB · E · (D + Q)  +  8 · min(T, C) · B · (S + G) · H
 *   metrics                  {@value #BYTES_PER_ROW} · iterations
 * </pre>
 * k·H + 3Q is what the engine saves per step and sequence, measured with {@code Memory} (k = 2 for
 * linear, 3 rnn, 8 gru and lstm (their gates are one op each); 3Q for the output layer and loss),
 * doubled for the gradients backward makes; R is the number of steps recorded at once: T, or for
 * checkpointed BPTT the schedule's peak of recorded steps plus its stored states ({@link Planner}).
 * Under a memory budget M ({@code checkpoint:budget=M}) the engine's saved activations stay within M
 * (the library measures a step and chooses the schedule so), and the gradients are those of the
 * steps of one chunk of C = {@code Unroll.defaultChunkSteps(T, B)} steps being differentiated. The
 * inputs are the task's, in float64 (and their float32 copy for a float32 model), I steps of them
 * held at once: T, or one chunk for a task that makes them a chunk at a time under a budget
 * ({@link Task#inputsInChunks}); the targets are held for all T steps. Evaluation keeps the task's E
 * held-out batches and their outputs, and the states (S parts: 2 for an LSTM) and the input
 * projection (G gate blocks) of one chunk at a time. A metrics row is kept in memory and written as
 * a line of metrics.csv at every checkpoint.
 *
 * <p>Every array must also fit Java's limit of {@value HeapBudget#MAX_ARRAY_ELEMENTS} elements; the largest ones are
 * the recurrent weights (G·H × H), the input projection of a chunk (C·B × G·H; of the whole T·B
 * for a bidirectional model) and the batch's inputs (T·B × D).
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
        return of(config, task.inputSize(), task.outputSize(), task.evalBatchCount(), inputSteps(config, task));
    }

    /** The estimate for training {@code config} on a task with these sizes, whose batches are held whole. */
    public static MemoryEstimate of(TrainConfig c, int inputSize, int outputSize, int evalBatches) {
        return of(c, inputSize, outputSize, evalBatches, c.steps());
    }

    /**
     * The estimate for training {@code config} on a task with these sizes, {@code inputSteps} steps
     * of whose inputs are held at once (T for a batch held whole).
     */
    public static MemoryEstimate of(TrainConfig c, int inputSize, int outputSize, int evalBatches, int inputSteps) {
        double h = c.hidden();
        double b = c.batch();
        double t = c.steps();
        double d = inputSize;
        double q = outputSize;
        double e = c.dtype().bytes();
        // a deep or bidirectional model: every layer and direction holds a cell's parameters and activations
        int directions = c.architecture().bidirectional() ? 2 : 1;
        double units = c.architecture().layers() * directions;
        double params = directions * parameters(c.cell(), d, h, 0)
                + (units - directions) * parameters(c.cell(), directions * h, h, 0) + q * (directions * h + 1);
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("parameters and Adam's state (" + String.format(Locale.ROOT, "%,.0f", params)
                + " parameters: " + c.cell() + ", hidden " + c.hidden() + ", " + (long) units + " cell(s), " + c.dtype() + ")",
                5 * e * params));
        double data = (8 + (e < 8 ? e : 0)) * inputSteps * b * d + 8 * t * b * q;
        long budget = StrategySpec.parse(c.strategy()).budgetBytes();
        if (budget > 0) {
            double gradients = 2 * perStep(c, outputSize) * (chunkSteps(c) + 2);
            parts.add(new Part("one iteration (batch " + c.batch() + " x " + c.steps() + " steps within a budget of "
                    + bytes(budget) + " for stored states and recorded steps)", savedActivations(c, outputSize) + gradients + data));
        } else {
            parts.add(new Part("one iteration (batch " + c.batch() + " x " + c.steps() + " steps, " + (long) recordedSteps(c)
                    + " recorded at once)", 2 * savedActivations(c, outputSize) + data));
        }
        double held = c.architecture().bidirectional() ? t : Math.min(t, chunkSteps(c));
        parts.add(new Part("held-out evaluation (" + evalBatches + " batches)", evalBatches == 0 ? 0
                : 8 * t * b * evalBatches * (d + q) + 8 * held * b * units * (stateParts(c.cell()) + gates(c.cell())) * h));
        parts.add(new Part("metrics (" + c.iterations() + " iterations)", (double) BYTES_PER_ROW * c.iterations()));
        return new MemoryEstimate(parts);
    }

    /** I: the steps of inputs held at once, T, or one chunk when the task makes them a chunk at a time under a budget. */
    static int inputSteps(TrainConfig c, Task task) {
        boolean chunks = task.inputsInChunks() && !c.architecture().bidirectional()
                && StrategySpec.parse(c.strategy()).budgetBytes() > 0;
        return chunks ? chunkSteps(c) : c.steps();
    }

    /** C: the steps of one chunk of the unroll ({@code Unroll.defaultChunkSteps}). */
    static int chunkSteps(TrainConfig c) {
        return Unroll.defaultChunkSteps(c.steps(), c.batch());
    }

    /**
     * The bytes of activations the engine saves at the peak of an iteration, eB · (k·H + 3Q) · (R + 2)
     * (two steps' worth more for the state carried in and the loss; the engine's own account,
     * {@code Memory.peakSavedBytes}, is at most this); under a budget, at most the budget.
     */
    public static double savedActivations(TrainConfig c, int outputSize) {
        double stored = perStep(c, outputSize) * (recordedSteps(c) + 2);
        long budget = StrategySpec.parse(c.strategy()).budgetBytes();
        return budget > 0 ? Math.min(budget, stored) : stored;
    }

    /** eB · (k·H + 3Q): the bytes saved for one step of every sequence, every layer and direction. */
    private static double perStep(TrainConfig c, int outputSize) {
        double units = c.architecture().layers() * (c.architecture().bidirectional() ? 2 : 1);
        return c.dtype().bytes() * (double) c.batch() * (units * savedPerStep(c.cell()) * c.hidden() + 3.0 * outputSize);
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
        requireArraysFit(c, inputSize, outputSize, fromConfig, c.steps());
    }

    /**
     * {@link #requireArraysFit(TrainConfig, int, int, boolean)} for a workload that holds
     * {@code inputSteps} steps of its inputs at once (a benchmark's drawn inputs).
     */
    public static void requireArraysFit(TrainConfig c, int inputSize, int outputSize, boolean fromConfig, int inputSteps) {
        String hidden = fromConfig ? "'hidden_size' " + c.hidden() : "--hidden " + c.hidden();
        String steps = fromConfig ? "'steps' " + c.steps() : "--steps " + c.steps();
        String batch = fromConfig ? "'batch' " + c.batch() : "--batch " + c.batch();
        long g = gates(c.cell());
        long wide = Math.max(c.hidden(), (long) inputSize);
        check((double) g * c.hidden() * wide, hidden + " makes the recurrent weights of a " + c.cell() + " a "
                + String.format(Locale.ROOT, "%,d x %,d", g * c.hidden(), wide) + " array");
        // the unroll projects the inputs a chunk at a time; a bidirectional network, the whole sequence at once
        int projected = c.architecture().bidirectional() ? c.steps() : chunkSteps(c);
        check((double) projected * c.batch() * g * c.hidden(), (projected == c.steps() ? steps : "a chunk of " + projected
                + " steps") + " x " + batch + " x " + (g == 1 ? "" : g + " gates x ") + hidden + " makes the input projection"
                + (projected == c.steps() ? " of a batch" : ""));
        check((double) inputSteps * c.batch() * Math.max(inputSize, outputSize), (inputSteps == c.steps() ? steps
                : inputSteps + " steps") + " x " + batch + " x " + Math.max(inputSize, outputSize)
                + " values a step makes the data of a batch");
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

    /** k: elements the engine saves per step, sequence and hidden unit (measured with Memory). */
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
