package io.chainrule.examples.train;

import io.chainrule.examples.model.Architecture;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.task.Tasks;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Reads the options back from config.json. Each problem is an IllegalArgumentException naming
     * {@code source} (the file) and the key, never a command-line option the user did not type.
     */
    public static TrainConfig fromJson(Map<String, Object> m, String source) {
        Object format = m.get("format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(source + " is not a chainrule training config ('format' is " + format
                    + ", expected " + FORMAT + ")");
        }
        String task = oneOf(m, "task", Tasks.NAMES, source);
        Object file = m.get("text_file");
        if (task.equals("text") != (file != null)) {
            throw new IllegalArgumentException(source + ": 'text_file' " + (file == null
                    ? "is missing (the text task needs its file)" : "is for the text task only (the task is " + task + ")"));
        }
        if (file != null && !(file instanceof String)) {
            throw new IllegalArgumentException(source + ": 'text_file' must be a string (a path), got " + file);
        }
        String strategy = string(m, "strategy", source);
        try {
            StrategySpec.parse(strategy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": 'strategy' " + strategy + " is not a BPTT strategy: " + e.getMessage(), e);
        }
        double clip = real(m, "clip", source);
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw new IllegalArgumentException(source + ": 'clip' must be a finite number >= 0, got " + clip);
        }
        double lr = real(m, "lr", source);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(source + ": 'lr' must be a finite positive number, got " + lr);
        }
        return new TrainConfig(task, file == null ? null : Path.of((String) file), oneOf(m, "cell", Model.CELLS, source),
                (int) integer(m, "hidden_size", Integer.MAX_VALUE, source), (int) integer(m, "batch", Integer.MAX_VALUE, source),
                (int) integer(m, "steps", Integer.MAX_VALUE, source), strategy, clip, lr, seed(m, source),
                integer(m, "iterations", Long.MAX_VALUE, source), integer(m, "save_every", Long.MAX_VALUE, source),
                architecture(m, source));
    }

    private static Architecture architecture(Map<String, Object> m, String source) {
        if (!m.containsKey("layers")) {
            return Architecture.ONE_LAYER;
        }
        if (!(m.get("bidirectional") instanceof Boolean b)) {
            throw new IllegalArgumentException(source + ": 'bidirectional' must be true or false");
        }
        try {
            return new Architecture((int) integer(m, "layers", Integer.MAX_VALUE, source), b, real(m, "dropout", source));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static String string(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be a string, "
                    + (v == null ? "but it is missing" : "got " + v));
        }
        return s;
    }

    private static String oneOf(Map<String, Object> m, String key, List<String> allowed, String source) {
        String v = string(m, key, source);
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be one of " + allowed + ", got '" + v + "'");
        }
        return v;
    }

    /** An integer in [1, max]. */
    private static long integer(Map<String, Object> m, String key, long max, String source) {
        Object v = m.get(key);
        if (!(v instanceof Long l) || l < 1 || l > max) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be an integer from 1 to " + max + ", "
                    + (v == null ? "but it is missing" : "got " + v));
        }
        return l;
    }

    private static long seed(Map<String, Object> m, String source) {
        if (!(m.get("seed") instanceof Long l)) {
            throw new IllegalArgumentException(source + ": 'seed' must be an integer, "
                    + (m.get("seed") == null ? "but it is missing" : "got " + m.get("seed")));
        }
        return l;
    }

    private static double real(Map<String, Object> m, String key, String source) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(source + ": '" + key + "' must be a number, "
                    + (v == null ? "but it is missing" : "got " + v));
        }
        return n.doubleValue();
    }
}
