package io.chainrule.rnn.golden;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * {@code cell} with every parameter's value replaced by {@code tensor} of the parameter's
     * (PyTorch) name, which must have the parameter's shape and dtype.
     */
    Cell loadInto(Cell cell, Function<String, Tensor> tensor) {
        for (Var p : cell.parameters()) {
            Tensor w = tensor.apply(p.name());
            assertTrue(w.sameShape(p.value()), () -> file + ": '" + p.name() + "' has shape "
                    + Arrays.toString(w.shape()) + " but the cell's is " + Arrays.toString(p.value().shape()));
            assertEquals(p.value().dtype(), w.dtype(), () -> file + ": '" + p.name() + "' has the wrong dtype");
            p.value().assignInPlace(w);
        }
        return cell;
    }

    /**
     * |got − want| ≤ tolerance · max |want| for every entry (in float64), naming the tensor, the
     * entry and both values; returns max |got − want| / max |want|, printed for every tensor with
     * {@code -Dgolden.report}.
     */
    static double assertClose(String where, String name, Tensor want, Tensor got, double tolerance) {
        assertTrue(got != null, () -> where + ": no " + name);
        assertEquals(Arrays.toString(want.shape()), Arrays.toString(got.shape()), where + ": shape of " + name);
        double scale = want.abs().maxValue();
        assertTrue(scale > 0, () -> where + ": " + name + " is zero in the fixture");
        for (int i = 0; i < want.size(); i++) {
            double w = want.getFlat(i);
            double g = got.getFlat(i);
            int at = i;
            assertTrue(Math.abs(g - w) <= tolerance * scale, () -> where + ": " + name + " entry " + at + ": chainrule "
                    + g + ", PyTorch " + w + " (difference " + (g - w) + ", allowed " + tolerance * scale + ")");
        }
        double err = got.maxAbsDiff(want) / scale;
        if (System.getProperty("golden.report") != null) {
            System.err.printf("%s %s max difference / scale %.3e%n", where, name, err);
        }
        return err;
    }
}
