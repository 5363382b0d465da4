package io.chainrule.examples.train;

import io.chainrule.core.Tensor;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;
import io.chainrule.core.io.SafetensorsFormatException;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The files of a run directory ({@code --out}):
 * <ul>
 *   <li>{@code config.json}: the run's options and what the task derived (enough to rebuild the model);</li>
 *   <li>{@code model.safetensors}: the parameters, PyTorch names, F64; its metadata names the iteration;</li>
 *   <li>{@code optimizer-<iteration>.safetensors}: Adam's state ({@code adam.*}: step counts,
 *       {@code exp_avg}, {@code exp_avg_sq}) and the carried state ({@code carry.*});</li>
 *   <li>{@code metrics.csv}, {@code loss.png}, {@code summary.json}.</li>
 * </ul>
 *
 * <p><b>Saving a checkpoint</b> writes the optimizer file of the new iteration first, then the model
 * (each atomically), and only then deletes the older optimizer files. Whatever point a crash
 * interrupts, model.safetensors names an iteration whose optimizer file is on disk, so
 * {@code --resume} always finds a consistent pair.
 */
public final class RunFiles {
    public static final String CONFIG = "config.json";
    public static final String MODEL = "model.safetensors";
    public static final String METRICS = "metrics.csv";
    public static final String PLOT = "loss.png";
    public static final String SUMMARY = "summary.json";
    private static final String OPTIMIZER_PREFIX = "optimizer-";
    private static final String SUFFIX = ".safetensors";

    private final Path dir;
    private final UnaryOperator<WritableByteChannel> channelFilter;

    public RunFiles(Path dir) {
        this(dir, UnaryOperator.identity());
    }

    /** A run directory whose checkpoint writes go through {@code channelFilter} (tests inject failures there). */
    public RunFiles(Path dir, UnaryOperator<WritableByteChannel> channelFilter) {
        this.dir = dir;
        this.channelFilter = channelFilter;
    }

    public Path dir() {
        return dir;
    }

    public Path config() {
        return dir.resolve(CONFIG);
    }

    public Path model() {
        return dir.resolve(MODEL);
    }

    public Path metrics() {
        return dir.resolve(METRICS);
    }

    public Path plot() {
        return dir.resolve(PLOT);
    }

    public Path summary() {
        return dir.resolve(SUMMARY);
    }

    public Path optimizer(long iteration) {
        return dir.resolve(OPTIMIZER_PREFIX + iteration + SUFFIX);
    }

    /** Saves a checkpoint: optimizer file, then model, then removal of older optimizer files. */
    public void save(Checkpoint c, Map<String, String> modelMetadata) throws IOException {
        Map<String, Tensor> opt = new LinkedHashMap<>();
        c.optimizerState().forEach((k, t) -> opt.put("adam." + k, t));
        for (int i = 0; i < c.carry().length; i++) {
            opt.put("carry." + i, c.carry()[i]);
        }
        Safetensors.save(optimizer(c.iteration()), opt, Map.of(
                "iteration", Long.toString(c.iteration()),
                "seconds", Double.toString(c.seconds()),
                "carry_parts", Integer.toString(c.carry().length)), channelFilter);
        Map<String, String> meta = new LinkedHashMap<>(modelMetadata);
        meta.put("format", "pt");
        meta.put("iteration", Long.toString(c.iteration()));
        Safetensors.save(model(), c.parameters(), meta, channelFilter);
        for (Path old : optimizerFiles()) {
            if (!old.equals(optimizer(c.iteration()))) {
                Files.deleteIfExists(old);
            }
        }
    }

    private List<Path> optimizerFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, OPTIMIZER_PREFIX + "*" + SUFFIX)) {
            s.forEach(out::add);
        }
        return out;
    }

    /** The last checkpoint saved in this directory. */
    public Checkpoint load() throws IOException {
        SafetensorsFile model;
        try {
            model = Safetensors.load(model());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(model().toString(), null, "no saved model to resume from");
        }
        long iteration = parseLong(model, model(), "iteration");
        Path optPath = optimizer(iteration);
        SafetensorsFile opt;
        try {
            opt = Safetensors.load(optPath);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(optPath.toString(), null,
                    "the optimizer state for iteration " + iteration + " (the model's) is missing");
        }
        if (parseLong(opt, optPath, "iteration") != iteration) {
            throw new SafetensorsFormatException(optPath + " does not hold iteration " + iteration);
        }
        Map<String, Tensor> adam = new LinkedHashMap<>();
        opt.tensors().forEach((k, t) -> {
            if (k.startsWith("adam.")) {
                adam.put(k.substring("adam.".length()), t);
            }
        });
        int parts = (int) parseLong(opt, optPath, "carry_parts");
        Tensor[] carry = new Tensor[parts];
        for (int i = 0; i < parts; i++) {
            carry[i] = opt.tensor("carry." + i);
        }
        double seconds;
        try {
            seconds = Double.parseDouble(opt.meta("seconds"));
        } catch (NumberFormatException e) {
            throw new SafetensorsFormatException(optPath + ": metadata 'seconds' is not a number", e);
        }
        return new Checkpoint(iteration, seconds, model.tensors(), adam, carry);
    }

    private static long parseLong(SafetensorsFile f, Path path, String key) throws SafetensorsFormatException {
        String v = f.meta(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SafetensorsFormatException(path + ": metadata '" + key + "' is not an integer: " + v, e);
        }
    }
}
