package io.chainrule.core.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file, parsed and checked as hostile input: strict UTF-8, strict
 * JSON (Jackson's streaming parser with small nesting and number-length limits), no duplicate
 * keys, only the fields the format defines, F64 and F32 tensors only, shapes whose byte size
 * (computed without overflow) equals the span of their {@code data_offsets}, and offsets that tile the data
 * section exactly (inside it, no overlap, no gap). Every violation is a
 * {@link SafetensorsFormatException} naming the tensor or field.
 */
final class SafetensorsHeader {
    static final String METADATA_KEY = "__metadata__";
    /** The dtype the writer writes. */
    static final String DTYPE = "F64";
    /** The dtypes the reader reads, and their element sizes: float64 as is, float32 widened exactly. */
    static final Map<String, Integer> READ_DTYPES = Map.of("F64", Double.BYTES, "F32", Float.BYTES);
    /** Ranks above this are rejected (PyTorch's own limit is 64 dimensions). */
    static final int MAX_RANK = 64;

    private static final Set<String> KNOWN_DTYPES = Set.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16",
            "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64");

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(4)
                    .maxNumberLength(32)
                    .build())
            .build();

    /** One tensor's header entry. */
    record Entry(String name, String dtype, int[] shape, long begin, long end) {
    }

    final List<Entry> entries;
    final Map<String, String> metadata;

    private SafetensorsHeader(List<Entry> entries, Map<String, String> metadata) {
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Parses header bytes (after the 8-byte length, before the data) and checks the entries
     * against a data section of {@code dataBytes} bytes. Entries come back in data order.
     */
    static SafetensorsHeader parse(byte[] header, long dataBytes) throws SafetensorsFormatException {
        if (header.length == 0 || header[0] != '{') {
            throw new SafetensorsFormatException("the header must start with '{' (a JSON object)"
                    + (header.length == 0 ? " but it is empty" : ""));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException("the header is not valid UTF-8: " + e.getMessage(), e);
        }
        SafetensorsHeader h;
        try (JsonParser p = JSON.createParser(text)) {
            h = read(p);
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (JacksonException e) {
            throw new SafetensorsFormatException("the header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SafetensorsFormatException("the header could not be parsed: " + e.getMessage(), e);
        }
        h.checkLayout(dataBytes);
        return h;
    }

    private static SafetensorsHeader read(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT, "the header");
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> keys = new HashSet<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            if (!keys.add(key)) {
                throw new SafetensorsFormatException("the header has the key '" + key + "' twice");
            }
            if (key.equals(METADATA_KEY)) {
                readMetadata(p, metadata);
            } else {
                entries.add(readEntry(p, key));
            }
        }
        if (p.nextToken() != null) {
            throw new SafetensorsFormatException("the header has content after its JSON object (only space padding may follow)");
        }
        return new SafetensorsHeader(entries, metadata);
    }

    private static void readMetadata(JsonParser p, Map<String, String> metadata) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT, "__metadata__");
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING) {
                throw new SafetensorsFormatException("__metadata__ entry '" + key + "' must be a string, found " + describe(v));
            }
            if (metadata.put(key, p.getText()) != null) {
                throw new SafetensorsFormatException("__metadata__ has the key '" + key + "' twice");
            }
        }
    }

    private static Entry readEntry(JsonParser p, String name) throws IOException {
        String what = "tensor '" + name + "'";
        expect(p.nextToken(), JsonToken.START_OBJECT, what);
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            switch (field) {
                case "dtype" -> {
                    if (dtype != null) {
                        throw new SafetensorsFormatException(what + " has the field 'dtype' twice");
                    }
                    JsonToken v = p.nextToken();
                    if (v != JsonToken.VALUE_STRING) {
                        throw new SafetensorsFormatException(what + ": dtype must be a string, found " + describe(v));
                    }
                    dtype = p.getText();
                }
                case "shape" -> {
                    if (shape != null) {
                        throw new SafetensorsFormatException(what + " has the field 'shape' twice");
                    }
                    shape = readLongs(p, what + ": shape", MAX_RANK);
                }
                case "data_offsets" -> {
                    if (offsets != null) {
                        throw new SafetensorsFormatException(what + " has the field 'data_offsets' twice");
                    }
                    offsets = readLongs(p, what + ": data_offsets", 2);
                    if (offsets.length != 2) {
                        throw new SafetensorsFormatException(what + ": data_offsets must be [begin, end], got "
                                + Arrays.toString(offsets));
                    }
                }
                default -> throw new SafetensorsFormatException(what + " has an unknown field '" + field
                        + "' (expected dtype, shape, data_offsets)");
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            throw new SafetensorsFormatException(what + " lacks the field '"
                    + (dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets") + "'");
        }
        Integer elementBytes = READ_DTYPES.get(dtype);
        if (elementBytes == null) {
            throw new SafetensorsFormatException(what + ": "
                    + (KNOWN_DTYPES.contains(dtype) ? "dtype " + dtype + " is not supported" : "unknown dtype '" + dtype + "'")
                    + "; chainrule reads F64 and F32 tensors only");
        }
        int[] dims = new int[shape.length];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new SafetensorsFormatException(what + ": shape " + Arrays.toString(shape) + " has dimension "
                        + i + " larger than " + Integer.MAX_VALUE);
            }
            dims[i] = (int) shape[i];
        }
        // A zero dimension makes the tensor empty however large the others are; otherwise the
        // product is checked after every factor, so it never overflows a long.
        boolean empty = Arrays.stream(dims).anyMatch(d -> d == 0);
        for (int i = 0; i < dims.length && !empty; i++) {
            count *= dims[i];
            if (count > Integer.MAX_VALUE) {
                throw new SafetensorsFormatException(what + ": shape " + Arrays.toString(shape)
                        + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        long bytes = empty ? 0 : count * elementBytes;  // count <= Integer.MAX_VALUE: no overflow
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafetensorsFormatException(what + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end - begin != bytes) {
            throw new SafetensorsFormatException(what + ": data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin) + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + bytes);
        }
        return new Entry(name, dtype, dims, begin, end);
    }

    /** An array of at most {@code max} non-negative integers. */
    private static long[] readLongs(JsonParser p, String what, int max) throws IOException {
        expect(p.nextToken(), JsonToken.START_ARRAY, what);
        long[] out = new long[Math.min(max, 8)];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new SafetensorsFormatException(what + " must hold integers, found " + describe(t));
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new SafetensorsFormatException(what + " holds the integer " + p.getText() + ", which is too large");
            }
            long v = p.getLongValue();
            if (v < 0) {
                throw new SafetensorsFormatException(what + " holds the negative integer " + v);
            }
            if (n == max) {
                throw new SafetensorsFormatException(what + " has more than " + max + " entries");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, Math.min(max, 2 * n));
            }
            out[n++] = v;
        }
        return Arrays.copyOf(out, n);
    }

    private static void expect(JsonToken got, JsonToken want, String what) throws SafetensorsFormatException {
        if (got != want) {
            throw new SafetensorsFormatException(what + " must be a JSON "
                    + (want == JsonToken.START_OBJECT ? "object" : "array") + ", found " + describe(got));
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the header";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    /** Offsets inside the data section, sorted, contiguous, covering it from 0 to its end. */
    private void checkLayout(long dataBytes) throws SafetensorsFormatException {
        for (Entry e : entries) {
            if (e.end > dataBytes) {
                throw new SafetensorsFormatException("tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end
                        + "] reach past the data section, which has " + dataBytes + " bytes");
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : entries) {
            if (e.begin < covered) {
                throw new SafetensorsFormatException("tensors '" + previous.name + "' and '" + e.name
                        + "' overlap in the data section (bytes " + e.begin + " to " + covered + ")");
            }
            if (e.begin > covered) {
                throw new SafetensorsFormatException("bytes " + covered + " to " + e.begin
                        + " of the data section belong to no tensor (before tensor '" + e.name + "')");
            }
            covered = e.end;
            previous = e;
        }
        if (covered != dataBytes) {
            throw new SafetensorsFormatException("the data section has " + dataBytes + " bytes but the tensors cover only "
                    + covered + " (bytes " + covered + " to " + dataBytes + " belong to no tensor)");
        }
    }
}
