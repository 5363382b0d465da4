package io.chainrule.examples.io;

import com.fasterxml.jackson.core.JacksonException;
import io.chainrule.core.io.AtomicFile;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON object of named scalars (strings, numbers, booleans): config.json and summary.json; and
 * an array of such objects (the {@code --json} output of commands that print a table). Written
 * pretty-printed in the map's order; read strictly (duplicate keys, nesting and other JSON values
 * are errors naming the file and key).
 */
public final class FlatJson {
    private static final JsonFactory JSON = new JsonFactory();

    private FlatJson() {
    }

    /** The JSON text of {@code values} (String, Number or Boolean each). */
    public static String format(Map<String, ?> values) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            writeObject(g, values);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        return w + "\n";
    }

    /** The JSON text of an array of flat objects. */
    public static String formatArray(List<? extends Map<String, ?>> objects) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartArray();
            for (Map<String, ?> o : objects) {
                writeObject(g, o);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        return w + "\n";
    }

    private static void writeObject(JsonGenerator g, Map<String, ?> values) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            Object v = e.getValue();
            if (v instanceof String s) {
                g.writeStringField(e.getKey(), s);
            } else if (v instanceof Integer || v instanceof Long) {
                g.writeNumberField(e.getKey(), ((Number) v).longValue());
            } else if (v instanceof Number n) {
                g.writeNumberField(e.getKey(), n.doubleValue());
            } else if (v instanceof Boolean b) {
                g.writeBooleanField(e.getKey(), b);
            } else {
                throw new IllegalArgumentException("cannot write " + e.getKey() + " = " + v + " as a JSON scalar");
            }
        }
        g.writeEndObject();
    }

    /** Writes atomically. */
    public static void write(Path file, Map<String, ?> values) throws IOException {
        AtomicFile.writeString(file, format(values));
    }

    /**
     * Reads a flat object: values are String, Long, Double or Boolean. Errors name the file (and
     * the key): a file that is not a regular file, larger than {@value #MAX_BYTES} bytes (no
     * config or summary comes near), not UTF-8 (with the offset of the first bad byte), or not a
     * flat JSON object.
     */
    public static Map<String, Object> read(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException(file + " is larger than " + MAX_BYTES + " bytes: not a file chainrule wrote");
        }
        return parse(Utf8.decode(bytes, file.toString()), file.toString());
    }

    /** The largest JSON file {@link #read} accepts. */
    public static final int MAX_BYTES = 1 << 20;

    /** Parses the text of one flat object; {@code source} names it in errors. */
    public static Map<String, Object> parse(String text, String source) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(source + " is not a JSON object");
            }
            Map<String, Object> out = readObject(p, source);
            if (p.nextToken() != null) {
                throw new IOException(source + " has content after its JSON object");
            }
            return out;
        } catch (JacksonException e) {
            throw new IOException(source + " is not valid JSON: " + syntaxError(e), e);
        }
    }

    /**
     * Jackson's description of a syntax error without the reader it names ({@code [Source:
     * REDACTED ...]}, which says nothing to the user), followed by the line and column.
     */
    static String syntaxError(JacksonException e) {
        String what = e.getOriginalMessage()
                .replaceAll("\\s*\\(start marker at \\[Source:.*?\\]\\)", "")
                .replaceAll("\\s*\\[Source:.*?\\]", "");
        return e.getLocation() == null ? what
                : what + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /** Parses the text of an array of flat objects; {@code source} names it in errors. */
    public static List<Map<String, Object>> parseArray(String text, String source) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException(source + " is not a JSON array");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new IOException(source + ": element " + out.size() + " is not a JSON object");
                }
                out.add(readObject(p, source + " element " + out.size()));
            }
            if (p.nextToken() != null) {
                throw new IOException(source + " has content after its JSON array");
            }
        } catch (JacksonException e) {
            throw new IOException(source + " is not valid JSON: " + syntaxError(e), e);
        }
        return out;
    }

    /** Reads the fields of an object whose START_OBJECT was just read, up to its END_OBJECT. */
    private static Map<String, Object> readObject(JsonParser p, String source) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            Object value = switch (v) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getLongValue();
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> throw new IOException(source + ": '" + key + "' must be a string, number or boolean");
            };
            if (out.put(key, value) != null) {
                throw new IOException(source + " has the key '" + key + "' twice");
            }
        }
        return out;
    }
}
