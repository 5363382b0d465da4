package io.chainrule.core.io;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a safetensors file: named tensors (in the order of their data in the file), the
 * string-to-string {@code __metadata__} map (empty when the file has none), each tensor's dtype in
 * the file ({@code F64}, or {@code F32} widened to float64), and where they were read from
 * ({@code source}: the file's path, or "the file" for a channel), which every error names.
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, String> dtypes,
                              String source) {

    public SafetensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        dtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
    }

    /** F64 tensors with {@code metadata}: what the writer writes. */
    public SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
        this(tensors, metadata, allF64(tensors), "the file");
    }

    /** Tensors read with their dtypes in the file, from a channel ("the file"). */
    public SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, String> dtypes) {
        this(tensors, metadata, dtypes, "the file");
    }

    private static Map<String, String> allF64(Map<String, Tensor> tensors) {
        Map<String, String> d = new LinkedHashMap<>();
        tensors.keySet().forEach(k -> d.put(k, SafetensorsHeader.DTYPE));
        return d;
    }

    /** The dtype tensor {@code name} had in the file ({@code F64} or {@code F32}), or null when there is no such tensor. */
    public String dtype(String name) {
        return dtypes.get(name);
    }

    /** The same contents, read from {@code source}. */
    public SafetensorsFile from(String source) {
        return new SafetensorsFile(tensors, metadata, dtypes, source);
    }

    /** The tensor called {@code name}, or a format error naming the file and the tensor when the file lacks it. */
    public Tensor tensor(String name) throws SafetensorsFormatException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsFormatException(source + " has no tensor '" + name + "' (it has " + tensors.keySet() + ")");
        }
        return t;
    }

    /** The metadata entry {@code key}, or a format error naming the file and the key when the file lacks it. */
    public String meta(String key) throws SafetensorsFormatException {
        String v = metadata.get(key);
        if (v == null) {
            throw new SafetensorsFormatException(source + ": its __metadata__ has no entry '" + key + "'");
        }
        return v;
    }

    /**
     * This file, if every element of every tensor is finite; otherwise a format error naming the
     * file, the tensor, the first non-finite element's index and its value. Weights and optimizer
     * state are checked this way when a run loads them: a NaN there would only surface iterations
     * later as a failure that seems to be the learning rate's.
     */
    public SafetensorsFile requireFinite() throws SafetensorsFormatException {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            for (int i = 0; i < t.size(); i++) {
                double v = t.getFlat(i);
                if (!Double.isFinite(v)) {
                    throw new SafetensorsFormatException(source + ": tensor '" + e.getKey() + "' holds " + v
                            + " at index " + Shape.format(unravel(i, t.shape())) + " (element " + i
                            + " of " + t.size() + "); only finite values can be trained on or evaluated");
                }
            }
        }
        return this;
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }
}
