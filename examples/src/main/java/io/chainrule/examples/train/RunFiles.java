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
 *
 * <p><b>A new run</b> ({@link #stage}) writes into the staging directory until its first
 * checkpoint is saved, which commits it into the run directory ({@link RunDirectory}): what the
 * directory held before stays intact until then.
 *
 * <p><b>Loading</b> checks what it reads: every error names the file (and the tensor or key), and
 * non-finite weights or optimizer state are refused.
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
    private boolean staged;          // files go to the staging directory until the first checkpoint commits them
    private boolean createdDir;      // the run directory did not exist before this new run

    public RunFiles(Path dir) {
        this(dir, UnaryOperator.identity());
    }

    /** A run directory whose checkpoint writes go through {@code channelFilter} (tests inject failures there). */
    public RunFiles(Path dir, UnaryOperator<WritableByteChannel> channelFilter) {
        this.dir = dir;
        this.channelFilter = channelFilter;
    }

    /** The run directory. */
    public Path dir() {
        return dir;
    }

    /** Where the files are now: the staging directory of a new run before its first checkpoint, else the run directory. */
    private Path location() {
        return staged ? dir.resolve(RunDirectory.STAGING) : dir;
    }

    public Path config() {
        return location().resolve(CONFIG);
    }

    public Path model() {
        return location().resolve(MODEL);
    }

    public Path metrics() {
        return location().resolve(METRICS);
    }

    public Path plot() {
        return location().resolve(PLOT);
    }

    public Path summary() {
        return location().resolve(SUMMARY);
    }

    public Path optimizer(long iteration) {
        return location().resolve(OPTIMIZER_PREFIX + iteration + SUFFIX);
    }

    /**
     * Makes these the files of a new run: they are written into a fresh staging directory until
     * the first checkpoint commits them into {@link #dir()}.
     */
    void stage() throws IOException {
        createdDir = !Files.exists(dir);
        RunDirectory.discardStaging(dir);
        try {
            Files.createDirectories(dir.resolve(RunDirectory.STAGING));
        } catch (IOException e) {
            throw new IOException("cannot create the run directory " + dir + " (" + e + ")", e);
        }
        staged = true;
    }

    /**
     * Removes a new run that has not reached its first checkpoint (its staging directory, and the
     * run directory if the run made it and it is now empty); nothing once it has.
     */
    void discardStaged() throws IOException {
        if (!staged) {
            return;
        }
        RunDirectory.discardStaging(dir);
        staged = false;
        if (createdDir) {
            try (var left = Files.list(dir)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(dir);
                }
            }
        }
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
        if (staged) {
            RunDirectory.commit(dir);
            staged = false;
        }
    }

    private List<Path> optimizerFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(location(), OPTIMIZER_PREFIX + "*" + SUFFIX)) {
            s.forEach(out::add);
        }
        return out;
    }

    /**
     * The last checkpoint saved in this directory. Every error names the file at fault; weights,
     * optimizer state and carried state must be finite.
     */
    public Checkpoint load() throws IOException {
        SafetensorsFile model;
        try {
            model = Safetensors.load(model()).requireFinite();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(model().toString(), null, "no saved model to resume from");
        }
        long iteration = parseLong(model, "iteration");
        if (iteration < 1) {
            throw new SafetensorsFormatException(model() + ": metadata 'iteration' must be at least 1, got " + iteration);
        }
        Path optPath = optimizer(iteration);
        SafetensorsFile opt;
        try {
            opt = Safetensors.load(optPath).requireFinite();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(optPath.toString(), null,
                    "the optimizer state for iteration " + iteration + " (the model's) is missing");
        }
        if (parseLong(opt, "iteration") != iteration) {
            throw new SafetensorsFormatException(optPath + " does not hold iteration " + iteration
                    + " (its metadata says " + opt.meta("iteration") + ")");
        }
        Map<String, Tensor> adam = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        opt.tensors().forEach((k, t) -> {
            if (k.startsWith("adam.")) {
                adam.put(k.substring("adam.".length()), t);
            } else if (!k.startsWith("carry.")) {
                unknown.add(k);
            }
        });
        if (!unknown.isEmpty()) {
            throw new SafetensorsFormatException(optPath + " has tensors that are neither adam.* nor carry.*: " + unknown);
        }
        long parts = parseLong(opt, "carry_parts");
        if (parts < 0 || parts > 2) {
            throw new SafetensorsFormatException(optPath + ": metadata 'carry_parts' must be 0, 1 or 2, got " + parts);
        }
        Tensor[] carry = new Tensor[(int) parts];
        for (int i = 0; i < parts; i++) {
            carry[i] = opt.tensor("carry." + i);
        }
        double seconds;
        try {
            seconds = Double.parseDouble(opt.meta("seconds"));
        } catch (NumberFormatException e) {
            throw new SafetensorsFormatException(optPath + ": metadata 'seconds' is not a number: " + opt.meta("seconds"), e);
        }
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new SafetensorsFormatException(optPath + ": metadata 'seconds' must be a finite number >= 0, got " + seconds);
        }
        return new Checkpoint(iteration, seconds, model.tensors(), adam, carry);
    }

    private static long parseLong(SafetensorsFile f, String key) throws SafetensorsFormatException {
        String v = f.meta(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SafetensorsFormatException(f.source() + ": metadata '" + key + "' is not an integer: " + v, e);
        }
    }
}
