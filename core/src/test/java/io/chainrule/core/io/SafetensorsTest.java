package io.chainrule.core.io;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    static final double SIGNALING_NAN = Double.longBitsToDouble(0x7ff0_0000_0000_0001L);
    static final double NAN_WITH_PAYLOAD = Double.longBitsToDouble(0x7ff8_dead_beef_cafeL);
    static final double NEGATIVE_NAN = Double.longBitsToDouble(0xfff8_0000_0000_0042L);

    static Map<String, Tensor> awkwardTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("specials", Tensor.vector(SIGNALING_NAN, NAN_WITH_PAYLOAD, NEGATIVE_NAN, -0.0, 0.0,
                Double.MIN_VALUE, -Double.MIN_VALUE, Double.longBitsToDouble(0x000f_ffff_ffff_ffffL),
                Double.MIN_NORMAL, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.PI));
        m.put("cell.weight_hh_l0", Tensor.randn(7L, 1.0, 3, 4, 2));
        m.put("scalar", Tensor.scalar(-1.5));
        m.put("empty", Tensor.zeros(0, 3));
        m.put("ünïcödé name", Tensor.vector(1, 2));
        return m;
    }

    static void assertBitwiseEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            Tensor e = expected.get(k);
            Tensor a = actual.get(k);
            assertArrayEquals(e.shape(), a.shape(), k);
            long[] eb = new long[e.size()];
            long[] ab = new long[a.size()];
            for (int i = 0; i < e.size(); i++) {
                eb[i] = Double.doubleToRawLongBits(e.getFlat(i));
                ab[i] = Double.doubleToRawLongBits(a.getFlat(i));
            }
            assertArrayEquals(eb, ab, "bits of " + k);
        }
    }

    @Test
    void roundTripThroughAFileKeepsEveryBit(@TempDir Path dir) throws IOException {
        Map<String, Tensor> tensors = awkwardTensors();
        Map<String, String> meta = Map.of("format", "pt", "note", "naïve \"quoted\" \n text");
        Path f = dir.resolve("model.safetensors");
        Safetensors.save(f, tensors, meta);
        SafetensorsFile back = Safetensors.load(f);
        assertBitwiseEqual(tensors, back.tensors());
        assertEquals(meta, back.metadata());
        assertEquals(List.of(f), Files.list(dir).toList(), "no temporary file is left behind");
    }

    @Test
    void viewsAndOffsetTensorsAreWrittenAsTheirOwnElements() throws IOException {
        Tensor base = Tensor.arange(12).reshape(3, 4);
        Tensor row = base.row(1);
        byte[] bytes = BytesChannel.written(ch -> Safetensors.write(ch, Map.of("row", row), Map.of()));
        Tensor back = Safetensors.read(new BytesChannel(bytes)).tensor("row");
        assertArrayEquals(new double[] {4, 5, 6, 7}, back.toArray());
    }

    @Test
    void writtenBytesFollowTheSpecExactly() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.vector(1.0));
        tensors.put("a", Tensor.of(new double[] {2.0, -0.0}, 1, 2));
        byte[] bytes = BytesChannel.written(ch -> Safetensors.write(ch, tensors, Map.of("format", "pt")));

        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}}";
        int n = (json.length() + 7) / 8 * 8;
        ByteBuffer expected = ByteBuffer.allocate(8 + n + 24).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(n).put(json.getBytes(StandardCharsets.US_ASCII));
        while (expected.position() < 8 + n) {
            expected.put((byte) ' ');
        }
        expected.putDouble(2.0).putDouble(-0.0).putDouble(1.0);
        assertArrayEquals(expected.array(), bytes);
    }

    /** A file as another writer may lay it out: metadata last, keys out of data order, newline and padding. */
    @Test
    void readsFilesFromOtherWriters() throws IOException {
        String json = "{\"w\": {\"shape\": [2], \"dtype\": \"F64\", \"data_offsets\": [8, 24]},\n"
                + " \"v\": {\"dtype\": \"F64\", \"data_offsets\": [0, 8], \"shape\": []},"
                + " \"__metadata__\": {\"format\": \"np\"}}    ";
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(5).putDouble(6).putDouble(7);
        SafetensorsFile f = Safetensors.read(new BytesChannel(file(json, data.array())));
        assertEquals(List.of("v", "w"), List.copyOf(f.tensors().keySet()), "tensors come in data order");
        assertEquals(5.0, f.tensor("v").item());
        assertArrayEquals(new int[0], f.tensor("v").shape());
        assertArrayEquals(new double[] {6, 7}, f.tensor("w").toArray());
        assertEquals("np", f.meta("format"));
    }

    /**
     * Float32 tensors (what PyTorch saves by default), laid out by hand to the published format:
     * widened to float64 exactly, bits of -0.0, a subnormal and the largest float kept; the
     * dtype is reported.
     */
    @Test
    void readsFloat32TensorsWidenedExactly() throws IOException {
        float[] values = {1.5f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f, -3.25e-20f};
        ByteBuffer data = ByteBuffer.allocate(4 * values.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(0.5);
        for (float v : values) {
            data.putFloat(v);
        }
        String json = "{\"d\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"f\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}}";
        SafetensorsFile f = Safetensors.read(new BytesChannel(file(json, data.array())));
        assertEquals("F32", f.dtype("f"));
        assertEquals("F64", f.dtype("d"));
        assertArrayEquals(new int[] {2, 3}, f.tensor("f").shape());
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(f.tensor("f").getFlat(i)),
                    "entry " + i);
        }
        assertEquals(0.5, f.tensor("d").item());
    }

    /** Errors of a file read from disk begin with its path. */
    @Test
    void errorsOfAFileNameIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path bad = dir.resolve("weights.safetensors");
        java.nio.file.Files.write(bad, file("{" + entry("x", "Q7", "[1]", 0, 8) + "}", new byte[8]));
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.load(bad));
        assertEquals(bad + ": tensor 'x': unknown dtype 'Q7'; chainrule reads F64 and F32 tensors only", e.getMessage());
    }

    static byte[] file(String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, data);
    }

    static byte[] file(long declaredLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(header).put(data);
        return b.array();
    }

    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    static Stream<Arguments> hostileHeaders() {
        return Stream.of(
                Arguments.of("duplicate tensor", "{" + entry("x", "F64", "[1]", 0, 8) + "," + entry("x", "F64", "[1]", 8, 16) + "}", 16, "'x' twice"),
                Arguments.of("F16 dtype", "{" + entry("x", "F16", "[4]", 0, 8) + "}", 8, "tensor 'x': dtype F16 is not supported"),
                Arguments.of("F32 bytes", "{" + entry("x", "F32", "[3]", 0, 8) + "}", 8, "span 8 bytes but shape [3] of F32 needs 12"),
                Arguments.of("unknown dtype", "{" + entry("x", "Q7", "[1]", 0, 8) + "}", 8, "tensor 'x': unknown dtype 'Q7'"),
                Arguments.of("overlap", "{" + entry("a", "F64", "[2]", 0, 16) + "," + entry("b", "F64", "[1]", 8, 16) + "}", 16, "'a' and 'b' overlap"),
                Arguments.of("gap", "{" + entry("a", "F64", "[1]", 0, 8) + "," + entry("b", "F64", "[1]", 16, 24) + "}", 24, "bytes 8 to 16"),
                Arguments.of("trailing data", "{" + entry("a", "F64", "[1]", 0, 8) + "}", 16, "cover only 8"),
                Arguments.of("past the end", "{" + entry("a", "F64", "[2]", 0, 16) + "}", 8, "tensor 'a': data_offsets [0, 16] reach past"),
                Arguments.of("shape vs bytes", "{" + entry("a", "F64", "[3]", 0, 16) + "}", 16, "tensor 'a': data_offsets [0, 16] span 16 bytes but shape [3]"),
                Arguments.of("shape overflow", "{" + entry("a", "F64", "[2147483647,2147483647,2147483647,2147483647,0]", 0, 0) + "," + entry("b", "F64", "[2147483647,2147483647]", 0, 8) + "}", 8, "tensor 'b': shape"),
                Arguments.of("dimension too large", "{" + entry("a", "F64", "[4294967296]", 0, 8) + "}", 8, "tensor 'a': shape [4294967296] has dimension 0 larger"),
                Arguments.of("huge integer", "{" + entry("a", "F64", "[1]", 0, 8).replace("[0,8]", "[0,99999999999999999999]") + "}", 8, "tensor 'a': data_offsets holds the integer 99999999999999999999"),
                Arguments.of("negative dimension", "{" + entry("a", "F64", "[-1]", 0, 8) + "}", 8, "tensor 'a': shape holds the negative integer -1"),
                Arguments.of("fractional dimension", "{" + entry("a", "F64", "[1.0]", 0, 8) + "}", 8, "tensor 'a': shape must hold integers"),
                Arguments.of("reversed offsets", "{" + entry("a", "F64", "[0]", 8, 0) + "}", 8, "end before they begin"),
                Arguments.of("three offsets", "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8,8]}}", 8, "tensor 'a': data_offsets has more than 2"),
                Arguments.of("missing shape", "{\"a\":{\"dtype\":\"F64\",\"data_offsets\":[0,8]}}", 8, "tensor 'a' lacks the field 'shape'"),
                Arguments.of("unknown field", "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8],\"x\":1}}", 8, "tensor 'a' has an unknown field 'x'"),
                Arguments.of("duplicate field", "{\"a\":{\"dtype\":\"F64\",\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, "tensor 'a' has the field 'dtype' twice"),
                Arguments.of("metadata not a string", "{\"__metadata__\":{\"k\":1}}", 0, "__metadata__ entry 'k' must be a string"),
                Arguments.of("duplicate metadata key", "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, "__metadata__ has the key 'k' twice"),
                Arguments.of("entry not an object", "{\"a\":[1]}", 0, "tensor 'a' must be a JSON object"),
                Arguments.of("not an object", "[1]", 0, "must start with '{'"),
                Arguments.of("trailing content", "{}{}", 0, "after its JSON object"),
                Arguments.of("broken JSON", "{\"a\":{\"dtype\":\"F64\",", 0, "not valid JSON"),
                Arguments.of("single quotes", "{'a':1}", 0, "not valid JSON"),
                Arguments.of("deep nesting", "{\"__metadata__\":" + "[".repeat(100) + "]".repeat(100) + "}", 0, "__metadata__ must be a JSON object"),
                Arguments.of("rank too high", "{" + entry("a", "F64", "[" + "1,".repeat(64) + "1]", 0, 8) + "}", 8, "tensor 'a': shape has more than 64 entries"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileHeaders")
    void rejectsHostileHeadersNamingTheField(String what, String json, int dataBytes, String message) {
        byte[] bytes = file(json, new byte[dataBytes]);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> Safetensors.read(new BytesChannel(bytes)));
        assertTrue(e.getMessage().contains(message), () -> what + ": message was: " + e.getMessage());
    }

    @Test
    void boundsTheHeaderLengthBeforeAllocating() {
        byte[] small = file("{}", new byte[0]);
        for (long declared : new long[] {Safetensors.MAX_HEADER_BYTES + 1, -1L, Long.MAX_VALUE, 3}) {
            byte[] bytes = file(declared, "{}".getBytes(StandardCharsets.US_ASCII), new byte[0]);
            SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                    () -> Safetensors.read(new BytesChannel(bytes)));
            assertTrue(e.getMessage().contains("header length"), e.getMessage());
        }
        assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(new BytesChannel(new byte[7])));
        assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(new BytesChannel(file(0, new byte[0], new byte[0]))));
        assertDoesNotThrowFormat(small);
    }

    @Test
    void rejectsMalformedUtf8() {
        byte[] header = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> Safetensors.read(new BytesChannel(file(header.length, header, new byte[0]))));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    private static void assertDoesNotThrowFormat(byte[] bytes) {
        try {
            assertTrue(Safetensors.read(new BytesChannel(bytes)).tensors().isEmpty());
        } catch (IOException e) {
            throw new AssertionError("a valid empty file was rejected: " + e.getMessage(), e);
        }
    }
}
