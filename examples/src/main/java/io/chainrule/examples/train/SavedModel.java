package io.chainrule.examples.train;

import io.chainrule.examples.io.FlatJson;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;
import io.chainrule.examples.model.Model;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained model rebuilt from a run directory's config.json and model.safetensors alone (what
 * {@code train --out DIR} leaves there), without the optimizer state.
 */
public record SavedModel(TrainConfig config, Model model, long iteration) {

    /**
     * The model of the run in {@code dir} (what an interrupted process left is tidied first, see
     * {@link RunDirectory#tidy}). Every error names the file at fault; non-finite weights are refused.
     */
    public static SavedModel load(Path dir) throws IOException {
        RunFiles files = new RunFiles(dir);
        RunDirectory.tidy(dir);
        Map<String, Object> json;
        try {
            json = FlatJson.read(files.config());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(files.config().toString(), null, "no trained run in " + dir);
        }
        TrainConfig config = TrainConfig.fromJson(json, files.config().toString());
        int in = size(json, "input_size", files);
        int out = size(json, "output_size", files);
        try {
            MemoryEstimate.requireArraysFit(config, in, out, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(files.config() + ": " + e.getMessage(), e);
        }
        MemoryEstimate.of(config, in, out, 1).requireFits("loading the run in " + dir);
        Model model = Model.create(config.cell(), config.architecture(), in, config.hidden(), out, 0L);
        SafetensorsFile saved;
        try {
            saved = Safetensors.load(files.model()).requireFinite();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(files.model().toString(), null, "the run in " + dir + " has saved no model yet");
        }
        try {
            model.load(saved.tensors());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(files.model() + ": " + e.getMessage(), e);
        }
        long iteration;
        try {
            iteration = Long.parseLong(saved.meta("iteration"));
        } catch (NumberFormatException e) {
            throw new IOException(files.model() + ": metadata 'iteration' is not an integer: " + saved.meta("iteration"), e);
        }
        return new SavedModel(config, model, iteration);
    }

    private static int size(Map<String, Object> json, String key, RunFiles files) {
        if (!(json.get(key) instanceof Long n) || n <= 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(files.config() + ": '" + key + "' must be a positive integer");
        }
        return n.intValue();
    }
}
