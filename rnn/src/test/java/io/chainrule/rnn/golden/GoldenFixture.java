package io.chainrule.rnn.golden;

import io.chainrule.core.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fixture written by {@code rnn/src/test/python/golden_cells.py}: named tensors, one a line,
 * {@code name d0 d1 ... : v0 v1 ...} with the values as hexadecimal floats (exact); {@code #}
 * starts a comment.
 */
final class GoldenFixture {
    private final String file;
    private final Map<String, Tensor> tensors;

    private GoldenFixture(String file, Map<String, Tensor> tensors) {
        this.file = file;
        this.tensors = tensors;
    }

    /** Reads the fixture {@code golden/<name>.txt} from the test resources. */
    static GoldenFixture load(String name) {
        String file = "golden/" + name + ".txt";
        InputStream in = GoldenFixture.class.getClassLoader().getResourceAsStream(file);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + file + "; run rnn/src/test/python/golden_cells.py");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                tensors.put(line.substring(0, line.indexOf(' ')), parse(file, number, line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return new GoldenFixture(file, tensors);
    }

    private static Tensor parse(String file, int number, String line) {
        int colon = line.indexOf(" : ");
        if (colon < 0) {
            throw new IllegalStateException(file + " line " + number + ": no ' : ' between the shape and the values");
        }
        String[] head = line.substring(0, colon).trim().split(" ");
        int[] shape = new int[head.length - 1];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Integer.parseInt(head[i + 1]);
        }
        String[] words = line.substring(colon + 3).trim().split(" ");
        double[] values = new double[words.length];
        for (int i = 0; i < words.length; i++) {
            values[i] = Double.parseDouble(words[i]);
        }
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (size != values.length) {
            throw new IllegalStateException(file + " line " + number + ": '" + head[0] + "' of shape "
                    + Arrays.toString(shape) + " has " + values.length + " values, not " + size);
        }
        return Tensor.wrap(values, shape);
    }

    /** The tensor {@code name} (a copy). */
    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + " has no tensor '" + name + "' (it has " + tensors.keySet() + ")");
        }
        return t.copy();
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }

    String file() {
        return file;
    }
}
