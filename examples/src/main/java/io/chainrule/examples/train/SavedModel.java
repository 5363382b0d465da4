package io.chainrule.examples.train;

import io.chainrule.examples.io.FlatJson;
import io.chainrule.core.io.Safetensors;
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

    public static SavedModel load(Path dir) throws IOException {
        RunFiles files = new RunFiles(dir);
        Map<String, Object> json;
        try {
            json = FlatJson.read(files.config());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(files.config().toString(), null, "no trained run in " + dir);
        }
        TrainConfig config = TrainConfig.fromJson(json, files.config().toString());
        Model model = Model.create(config.cell(), size(json, "input_size", files), config.hidden(),
                size(json, "output_size", files), 0L);
        var saved = Safetensors.load(files.model());
        model.load(saved.tensors());
        long iteration;
        try {
            iteration = Long.parseLong(saved.meta("iteration"));
        } catch (NumberFormatException e) {
            throw new IOException(files.model() + ": metadata 'iteration' is not an integer", e);
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
