package io.chainrule.core.io;

import java.io.IOException;

/**
 * A file is not a valid safetensors file (or holds something chainrule does not read, such as a
 * dtype other than F64). The message names the tensor or header field at fault. Every problem the
 * reader finds in a file's contents is reported with this type; I/O failures of the medium itself
 * stay plain {@link IOException}s.
 */
public final class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
