package io.chainrule.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chainrule.core.Tensor;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * so PyTorch ({@code safetensors.torch.load_file}) and NumPy ({@code safetensors.numpy.load_file})
 * users can load what chainrule saves, and chainrule what they save: it writes F64 tensors and
 * reads F64 and F32 ones (float32 values widened to float64 exactly; {@link SafetensorsFile#dtype}
 * tells which a tensor was).
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
 * {@code {"__metadata__": {string: string}, "name": {"dtype": "F64", "shape": [...],
 * "data_offsets": [begin, end]}, ...}}, padded with spaces to a multiple of 8; then the data
 * section, each tensor's elements row-major and little-endian, offsets relative to the section's
 * start. The writer lays tensors out in name order, contiguous, and keeps every bit of every
 * double (NaN payloads, -0.0, subnormals).
 *
 * <p>The reader treats a file as hostile: the header length is bounded (at most
 * {@value #MAX_HEADER_BYTES} bytes and at most the file's size - 8) before anything is allocated,
 * the header is parsed and checked by {@link SafetensorsHeader}, and no tensor's data is read
 * before the whole layout is known to fit the file. Every problem with the contents is a
 * {@link SafetensorsFormatException}; nothing is deserialized as Java objects.
 */
public final class Safetensors {
    /** The largest header the reader accepts (100 MB, as the reference implementation). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final JsonFactory JSON = new JsonFactory();
    private static final int CHUNK = 1 << 16;

    private Safetensors() {
    }

    // ------------------------------------------------------------------ writing

    /** Saves atomically (temp file, force, atomic rename): {@code file} is the old or the new file, never a torn one. */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        save(file, tensors, metadata, UnaryOperator.identity());
    }

    /** {@link #save(Path, Map, Map)} writing through {@code channelFilter} (tests inject failures there). */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
                            UnaryOperator<WritableByteChannel> channelFilter) throws IOException {
        AtomicFile.write(file, ch -> write(ch, tensors, metadata), channelFilter);
    }

    /** Writes a whole safetensors file to {@code out} (tensors in name order). */
    public static void write(WritableByteChannel out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        if (sorted.containsKey(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("a tensor may not be called " + SafetensorsHeader.METADATA_KEY);
        }
        byte[] header = header(sorted, metadata);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length);
        for (int i = 0; i < header.length; ) {
            int n = Math.min(buf.remaining(), header.length - i);
            buf.put(header, i, n);
            i += n;
            if (!buf.hasRemaining()) {
                drain(buf, out);
            }
        }
        for (Tensor t : sorted.values()) {
            double[] a = t.array();
            int off = t.offset();
            for (int i = 0; i < t.size(); i++) {
                if (buf.remaining() < Double.BYTES) {
                    drain(buf, out);
                }
                buf.putLong(Double.doubleToRawLongBits(a[off + i]));
            }
        }
        drain(buf, out);
    }

    private static byte[] header(Map<String, Tensor> sorted, Map<String, String> metadata) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            if (metadata != null && !metadata.isEmpty()) {
                g.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
                for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
                Tensor t = e.getValue();
                long bytes = (long) t.size() * Double.BYTES;
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", SafetensorsHeader.DTYPE);
                g.writeArrayFieldStart("shape");
                for (int d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + bytes);
                g.writeEndArray();
                g.writeEndObject();
                offset += bytes;
            }
            g.writeEndObject();
        }
        byte[] json = w.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void drain(ByteBuffer buf, WritableByteChannel out) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        buf.clear();
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads a safetensors file of F64 and F32 tensors (F32 widened exactly to float64). Every error
     * names {@code file}: a format problem is a {@link SafetensorsFormatException} "FILE: what is
     * wrong (tensor, field)"; a file that is not a regular file ({@code /dev/zero}, a directory) or
     * whose tensors would not fit in the memory the Java heap has left is refused before anything
     * is allocated.
     */
    public static SafetensorsFile load(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new SafetensorsFormatException(file + " is not a regular file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Runtime r = Runtime.getRuntime();
            long free = r.maxMemory() - (r.totalMemory() - r.freeMemory());
            if (ch.size() > free) {
                throw new IOException(file + " has " + mib(ch.size()) + " of tensors to read, more than the " + mib(free)
                        + " the Java heap has free; use a smaller file or a larger heap (java -Xmx...)");
            }
            return read(ch).from(file.toString());
        } catch (SafetensorsFormatException e) {
            if (e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new SafetensorsFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** Reads a safetensors file from {@code in}, from position 0 to its size. */
    public static SafetensorsFile read(SeekableByteChannel in) throws IOException {
        long size = in.size();
        if (size < 8) {
            throw new SafetensorsFormatException("the file has " + size
                    + " bytes; a safetensors file starts with an 8-byte header length");
        }
        long n = readFully(in, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException("the header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new SafetensorsFormatException("the header length " + n + " exceeds the " + (size - 8)
                    + " bytes that follow it in the file");
        }
        long dataStart = 8 + n;
        SafetensorsHeader header = SafetensorsHeader.parse(readFully(in, 8, (int) n).array(), size - dataStart);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> dtypes = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : header.entries) {
            boolean f32 = e.dtype().equals("F32");
            int count = (int) ((e.end() - e.begin()) / (f32 ? Float.BYTES : Double.BYTES));
            double[] data = new double[count];
            if (count > 0) {
                ByteBuffer bytes = readFully(in, dataStart + e.begin(), (int) (e.end() - e.begin()))
                        .order(ByteOrder.LITTLE_ENDIAN);
                if (f32) {
                    for (int i = 0; i < count; i++) {
                        data[i] = bytes.getFloat(); // float to double is exact (NaN payloads widen too)
                    }
                } else {
                    bytes.asDoubleBuffer().get(data);
                }
            }
            tensors.put(e.name(), Tensor.wrap(data, e.shape()));
            dtypes.put(e.name(), e.dtype());
        }
        return new SafetensorsFile(tensors, header.metadata, dtypes);
    }

    private static ByteBuffer readFully(SeekableByteChannel in, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        in.position(position);
        while (buf.hasRemaining()) {
            if (in.read(buf) < 0) {
                throw new SafetensorsFormatException("the file ended at byte " + (position + buf.position())
                        + " while " + length + " bytes from byte " + position + " were expected");
            }
        }
        buf.flip();
        return buf;
    }
}
