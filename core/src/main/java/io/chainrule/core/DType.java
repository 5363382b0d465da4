package io.chainrule.core;

import java.util.Locale;

/**
 * The element type of a tensor: IEEE-754 binary64 ({@link #FLOAT64}, the default, and what
 * gradient checks use) or binary32 ({@link #FLOAT32}, half the memory and twice the vector lanes).
 */
public enum DType {
    FLOAT64("float64", 8),
    FLOAT32("float32", 4);

    private final String label;
    private final int bytes;

    DType(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** {@code float64} or {@code float32}, as the command line and safetensors headers (F64, F32) name them. */
    @Override
    public String toString() {
        return label;
    }

    /** {@code float64} / {@code f64} / {@code double}, {@code float32} / {@code f32} / {@code float}: an error names the text otherwise. */
    public static DType parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "float64": case "f64": case "double":
                return FLOAT64;
            case "float32": case "f32": case "float":
                return FLOAT32;
            default:
                throw new IllegalArgumentException("unknown dtype '" + text + "'; expected float64 or float32");
        }
    }
}
