package io.chainrule.examples.train;

import io.chainrule.examples.model.Architecture;
import io.chainrule.examples.task.Task;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines a training run: with the same config a run is bitwise reproducible, and
 * config.json (this plus what the task derived, such as the text vocabulary) is enough to rebuild
 * the model.
 *
 * @param clip       global gradient-norm bound, 0 for none
 * @param iterations total optimizer steps of the run
 * @param saveEvery  iterations between checkpoints (the last iteration is always saved)
 * @param architecture layers, directions and dropout between layers
 */
public record TrainConfig(String task, Path textFile, String cell, int hidden, int batch, int steps, String strategy,
                          double clip, double lr, long seed, long iterations, long saveEvery, Architecture architecture) {

    /** A one-layer model's config. */
    public TrainConfig(String task, Path textFile, String cell, int hidden, int batch, int steps, String strategy,
                       double clip, double lr, long seed, long iterations, long saveEvery) {
        this(task, textFile, cell, hidden, batch, steps, strategy, clip, lr, seed, iterations, saveEvery,
                Architecture.ONE_LAYER);
    }

    public static final String FORMAT = "chainrule-train/1";
    /** Adam's constants (PyTorch's defaults), recorded in config.json. */
    public static final double ADAM_BETA1 = 0.9;
    public static final double ADAM_BETA2 = 0.999;
    public static final double ADAM_EPS = 1e-8;

    public TrainConfig {
        positive("--hidden", hidden);
        positive("--batch", batch);
        positive("--steps", steps);
        positive("--iterations", iterations);
        positive("--save-every", saveEvery);
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw new IllegalArgumentException("--clip must be a finite number >= 0 (0 turns clipping off), got " + clip);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr must be a finite positive number, got " + lr);
        }
        if (architecture == null) {
            throw new IllegalArgumentException("the architecture must not be null");
        }
    }

    private static void positive(String option, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
    }

    /** The same run with a different total number of iterations (how --resume extends a run). */
    public TrainConfig withIterations(long total) {
        return new TrainConfig(task, textFile, cell, hidden, batch, steps, strategy, clip, lr, seed, total, saveEvery,
                architecture);
    }

    /** The same run with another arrangement of layers. */
    public TrainConfig withArchitecture(Architecture a) {
        return new TrainConfig(task, textFile, cell, hidden, batch, steps, strategy, clip, lr, seed, iterations, saveEvery, a);
    }

    /** config.json: this config, the optimizer's constants and what the task derived. */
    public Map<String, Object> toJson(Task t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("task", task);
        m.put("cell", cell);
        m.put("input_size", t.inputSize());
        m.put("hidden_size", hidden);
        m.put("output_size", t.outputSize());
        m.put("objective", t.objective().name().toLowerCase(java.util.Locale.ROOT));
        m.put("batch", batch);
        m.put("steps", steps);
        m.put("strategy", strategy);
        m.put("clip", clip);
        m.put("optimizer", "adam");
        m.put("lr", lr);
        m.put("beta1", ADAM_BETA1);
        m.put("beta2", ADAM_BETA2);
        m.put("eps", ADAM_EPS);
        m.put("seed", seed);
        m.put("iterations", iterations);
        m.put("save_every", saveEvery);
        if (!architecture.isOneLayer()) {   // a one-layer config.json stays as it was
            m.put("layers", (long) architecture.layers());
            m.put("bidirectional", architecture.bidirectional());
            m.put("dropout", architecture.dropout());
        }
        m.putAll(new java.util.TreeMap<>(t.settings()));
        return m;
    }

    /** Reads the options back from config.json. */
    public static TrainConfig fromJson(Map<String, Object> m, String source) {
        Object format = m.get("format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(source + " is not a chainrule training config (format " + format
                    + ", expected " + FORMAT + ")");
        }
        Object file = m.get("text_file");
        return new TrainConfig(string(m, "task", source), file == null ? null : Path.of(file.toString()),
                string(m, "cell", source), (int) number(m, "hidden_size", source), (int) number(m, "batch", source),
                (int) number(m, "steps", source), string(m, "strategy", source), real(m, "clip", source),
                real(m, "lr", source), number(m, "seed", source), number(m, "iterations", source),
                number(m, "save_every", source), architecture(m, source));
    }

    private static Architecture architecture(Map<String, Object> m, String source) {
        if (!m.containsKey("layers")) {
            return Architecture.ONE_LAYER;
        }
        if (!(m.get("bidirectional") instanceof Boolean b)) {
            throw new IllegalArgumentException(source + ": 'bidirectional' must be true or false");
        }
        try {
            return new Architecture((int) number(m, "layers", source), b, real(m, "dropout", source));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static String string(Map<String, Object> m, String key, String source) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be a string");
        }
        return s;
    }

    private static long number(Map<String, Object> m, String key, String source) {
        if (!(m.get(key) instanceof Long l)) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be an integer");
        }
        return l;
    }

    private static double real(Map<String, Object> m, String key, String source) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be a number");
        }
        return n.doubleValue();
    }
}
