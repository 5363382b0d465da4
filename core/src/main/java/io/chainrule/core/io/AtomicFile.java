package io.chainrule.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;

/**
 * Replaces a file atomically: the new contents go to a temporary file in the same directory, which
 * is forced to the device and then renamed over the target ({@code ATOMIC_MOVE},
 * {@code REPLACE_EXISTING}). A reader, or a run that crashes half way, sees the old file or the
 * new one, never a torn one; a failed write deletes its temporary file and leaves the target as
 * it was.
 */
public final class AtomicFile {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private AtomicFile() {
    }

    /** What to write into the temporary file. */
    @FunctionalInterface
    public interface Body {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /** Writes through a stream (flushed before the file is forced). */
    @FunctionalInterface
    public interface StreamBody {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        write(target, body, UnaryOperator.identity());
    }

    /** Writes UTF-8 text. */
    public static void writeString(Path target, String text) throws IOException {
        writeStream(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public static void writeStream(Path target, StreamBody body) throws IOException {
        write(target, ch -> {
            OutputStream out = Channels.newOutputStream(ch);
            body.writeTo(out);
            out.flush();
        }, UnaryOperator.identity());
    }

    /**
     * Writes {@code body} through {@code channelFilter} (the identity in production; tests wrap the
     * channel to fail after some bytes) and renames the result over {@code target}.
     */
    public static void write(Path target, Body body, UnaryOperator<WritableByteChannel> channelFilter)
            throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        // CREATE_NEW with a random name rather than createTempFile: the file gets the usual
        // permissions (umask), not the owner-only ones of a temp file.
        Path tmp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(channelFilter.apply(ch));
                ch.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + absolute + " atomically on this file system", e);
            }
            done = true;
            forceDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Makes renames in {@code dir} durable where the platform allows opening a directory (Linux); elsewhere a no-op. */
    public static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can open a directory; the rename itself is still atomic.
        }
    }
}
