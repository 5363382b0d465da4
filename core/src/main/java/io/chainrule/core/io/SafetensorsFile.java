package io.chainrule.core.io;

import io.chainrule.core.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of a safetensors file: named tensors (in the order of their data in the file), the
 * string-to-string {@code __metadata__} map (empty when the file has none), and each tensor's dtype
 * in the file ({@code F64}, or {@code F32} widened to float64).
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, String> dtypes) {

    public SafetensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        dtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
    }

    /** F64 tensors with {@code metadata}: what the writer writes. */
    public SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
        this(tensors, metadata, allF64(tensors));
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
