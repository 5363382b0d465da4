package io.chainrule.core.io;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutates valid files in seeded ways (bit flips, truncations, header edits, length-field edits,
 * offset edits) and reads each result: the reader must either succeed, returning tensors that
 * agree with their shapes, or throw {@link SafetensorsFormatException}, never any other exception
 * or error. A failing case prints its seed and mutation so it can be pinned.
 */
class SafetensorsFuzzTest {
    private static final int CASES = 12_000;
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final String JSON_NOISE = "{}[]\",: 0123456789-+.eE\\tnulFS_x\u00e9";

    private static List<byte[]> seeds() throws IOException {
        List<byte[]> files = new ArrayList<>();
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("cell.weight_ih_l0", Tensor.randn(1L, 1.0, 8, 3));
        model.put("cell.weight_hh_l0", Tensor.randn(2L, 1.0, 8, 2));
        model.put("cell.bias_ih_l0", Tensor.randn(3L, 1.0, 8));
        model.put("output.weight", Tensor.randn(4L, 1.0, 5, 2));
        model.put("output.bias", Tensor.zeros(5));
        files.add(BytesChannel.written(ch -> Safetensors.write(ch, model, Map.of("format", "pt", "iteration", "12"))));
        files.add(BytesChannel.written(ch -> Safetensors.write(ch, SafetensorsTest.awkwardTensors(), Map.of())));
        files.add(BytesChannel.written(ch -> Safetensors.write(ch, Map.of("s", Tensor.scalar(1)), Map.of())));
        return files;
    }

    // A hang guard, not a speed test: the whole run normally takes a second or two.
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void mutatedFilesAreReadOrRejectedWithTheFormatExceptionOnly() throws IOException {
        List<byte[]> seeds = seeds();
        int accepted = 0;
        int rejected = 0;
        int[] perKind = new int[Mutation.values().length];
        for (int i = 0; i < CASES; i++) {
            SplittableRandom rnd = new SplittableRandom(0xF022L * 1_000_003L + i);
            byte[] original = seeds.get(rnd.nextInt(seeds.size()));
            Mutation kind = Mutation.values()[rnd.nextInt(Mutation.values().length)];
            byte[] mutated = kind.apply(original, rnd);
            perKind[kind.ordinal()]++;
            try {
                SafetensorsFile f = Safetensors.read(new BytesChannel(mutated));
                for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) {
                    int n = 1;
                    for (int d : e.getValue().shape()) {
                        n *= d;
                    }
                    assertEquals(n, e.getValue().size(), "case " + i + " (" + kind + "): tensor " + e.getKey());
                }
                if (kind == Mutation.DATA_BIT_FLIP) {
                    assertDataBitsPreserved(mutated, f, i);
                }
                accepted++;
            } catch (SafetensorsFormatException e) {
                rejected++;
            } catch (Throwable t) {
                fail("case " + i + " (" + kind + ") threw " + t + " instead of SafetensorsFormatException", t);
            }
        }
        for (Mutation m : Mutation.values()) {
            assertTrue(perKind[m.ordinal()] > CASES / 20, m + " ran " + perKind[m.ordinal()] + " times");
        }
        assertTrue(rejected > CASES / 2, "only " + rejected + " of " + CASES + " mutations were rejected");
        assertTrue(accepted > CASES / 20, "only " + accepted + " mutated files were accepted (data flips should be)");
    }

    /** A flip in the data section changes values, never the layout: the reader returns exactly the file's bits. */
    private static void assertDataBitsPreserved(byte[] file, SafetensorsFile f, int i) {
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ByteBuffer data = ByteBuffer.wrap(file, (int) (8 + n), (int) (file.length - 8 - n)).slice().order(ByteOrder.LITTLE_ENDIAN);
        int k = 0;
        for (Tensor t : f.tensors().values()) {
            long[] bits = new long[t.size()];
            long[] want = new long[t.size()];
            for (int j = 0; j < t.size(); j++) {
                bits[j] = Double.doubleToRawLongBits(t.getFlat(j));
                want[j] = data.getLong(8 * k++);
            }
            assertArrayEquals(want, bits, "case " + i + ": data bits");
        }
    }

    enum Mutation {
        BIT_FLIPS {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                byte[] m = f.clone();
                int flips = 1 + r.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    int pos = r.nextInt(m.length);
                    m[pos] ^= (byte) (1 << r.nextInt(8));
                }
                return m;
            }
        },
        HEADER_BIT_FLIP {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                byte[] m = f.clone();
                int pos = 8 + r.nextInt(headerLength(f));
                m[pos] ^= (byte) (1 << r.nextInt(8));
                return m;
            }
        },
        DATA_BIT_FLIP {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                int start = 8 + headerLength(f);
                byte[] m = f.clone();
                if (m.length > start) {
                    m[start + r.nextInt(m.length - start)] ^= (byte) (1 << r.nextInt(8));
                }
                return m;
            }
        },
        TRUNCATION {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                return Arrays.copyOf(f, r.nextInt(f.length));
            }
        },
        EXTENSION {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                byte[] m = Arrays.copyOf(f, f.length + 1 + r.nextInt(64));
                for (int k = f.length; k < m.length; k++) {
                    m[k] = (byte) r.nextInt(256);
                }
                return m;
            }
        },
        HEADER_CHARACTER_EDIT {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                StringBuilder h = new StringBuilder(header(f));
                int edits = 1 + r.nextInt(3);
                for (int k = 0; k < edits && h.length() > 0; k++) {
                    int pos = r.nextInt(h.length());
                    char c = JSON_NOISE.charAt(r.nextInt(JSON_NOISE.length()));
                    switch (r.nextInt(3)) {
                        case 0 -> h.setCharAt(pos, c);
                        case 1 -> h.insert(pos, c);
                        default -> h.deleteCharAt(pos);
                    }
                }
                return withHeader(f, h.toString(), r.nextInt(4) != 0);
            }
        },
        LENGTH_FIELD_EDIT {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                long n = headerLength(f);
                long[] choices = {0, 1, 2, n - 1, n + 1, n + 8, n - 8, f.length - 8, f.length - 7,
                        Safetensors.MAX_HEADER_BYTES, Safetensors.MAX_HEADER_BYTES + 1, -1L, Long.MIN_VALUE,
                        Long.MAX_VALUE, 1L << 32, r.nextLong(), r.nextInt(f.length + 16)};
                byte[] m = f.clone();
                ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(0, choices[r.nextInt(choices.length)]);
                return m;
            }
        },
        NUMBER_EDIT {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                String h = header(f);
                Matcher mt = NUMBER.matcher(h);
                List<int[]> spans = new ArrayList<>();
                while (mt.find()) {
                    spans.add(new int[] {mt.start(), mt.end()});
                }
                if (spans.isEmpty()) {
                    return f;
                }
                int[] s = spans.get(r.nextInt(spans.size()));
                long old = Long.parseLong(h.substring(s[0], s[1]));
                String[] choices = {Long.toString(old + 1), Long.toString(old - 1), Long.toString(old + 8),
                        Long.toString(old - 8), "0", "-1", Long.toString(Integer.MAX_VALUE), "2147483648",
                        "4294967296", Long.toString(Long.MAX_VALUE), "9223372036854775808",
                        "1" + "0".repeat(40), Long.toString(old * 2), "1e3", "0.5", "null", "[]",
                        Long.toString(r.nextLong()), Long.toString(r.nextInt(1 << 12))};
                String edited = h.substring(0, s[0]) + choices[r.nextInt(choices.length)] + h.substring(s[1]);
                return withHeader(f, edited, true);
            }
        },
        SWAP_OFFSETS {
            @Override
            byte[] apply(byte[] f, SplittableRandom r) {
                String h = header(f);
                Matcher mt = Pattern.compile("\"data_offsets\":\\[\\d+,\\d+\\]").matcher(h);
                List<String> offs = new ArrayList<>();
                while (mt.find()) {
                    offs.add(mt.group());
                }
                if (offs.size() < 2) {
                    return f;
                }
                String a = offs.get(r.nextInt(offs.size()));
                String b = offs.get(r.nextInt(offs.size()));
                String edited = h.replace(a, "\u0000").replace(b, a).replace("\u0000", b);
                return withHeader(f, edited, true);
            }
        };

        abstract byte[] apply(byte[] file, SplittableRandom r);

        static int headerLength(byte[] f) {
            return (int) ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }

        static String header(byte[] f) {
            return new String(f, 8, headerLength(f), StandardCharsets.UTF_8);
        }

        /** The file with a new header text; the length field follows it, or keeps the old value. */
        static byte[] withHeader(byte[] f, String header, boolean fixLength) {
            byte[] h = header.getBytes(StandardCharsets.UTF_8);
            int old = headerLength(f);
            int dataLength = f.length - 8 - old;
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataLength).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(fixLength ? h.length : old).put(h).put(f, 8 + old, dataLength);
            return b.array();
        }
    }
}
