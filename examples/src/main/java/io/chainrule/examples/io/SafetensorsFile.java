package io.chainrule.examples.io;

import io.chainrule.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a safetensors file: named tensors (in the order of their data in the file) and
 * the string-to-string {@code __metadata__} map (empty when the file has none).
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {

    public SafetensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The tensor called {@code name}, or a format error naming it when the file lacks it. */
    public Tensor tensor(String name) throws SafetensorsFormatException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsFormatException("the file has no tensor '" + name + "' (it has " + tensors.keySet() + ")");
        }
        return t;
    }

    /** The metadata entry {@code key}, or a format error naming it when the file lacks it. */
    public String meta(String key) throws SafetensorsFormatException {
        String v = metadata.get(key);
        if (v == null) {
            throw new SafetensorsFormatException("the file's __metadata__ has no entry '" + key + "'");
        }
        return v;
    }
}
