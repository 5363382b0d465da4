package io.chainrule.examples.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlatJsonTest {

    @Test
    void anArrayOfFlatObjectsReadsBackAsWritten() throws IOException {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("cell", "gru");
        a.put("steps", 8);
        a.put("maxRelError", 1.25e-10);
        a.put("passed", true);
        Map<String, Object> b = new LinkedHashMap<>(a);
        b.put("cell", "lstm");
        b.put("passed", false);
        List<Map<String, Object>> back = FlatJson.parseArray(FlatJson.formatArray(List.of(a, b)), "test");
        assertEquals(2, back.size());
        assertEquals("gru", back.get(0).get("cell"));
        assertEquals(8L, back.get(0).get("steps"));
        assertEquals(1.25e-10, back.get(0).get("maxRelError"));
        assertEquals(Boolean.FALSE, back.get(1).get("passed"));
        assertEquals(List.of("cell", "steps", "maxRelError", "passed"), List.copyOf(back.get(1).keySet()));
    }

    @Test
    void aSyntaxErrorNamesTheFileTheLineAndTheColumnButNotJacksonsReader() {
        IOException e = assertThrows(IOException.class, () -> FlatJson.parse("{\"hidden\": 48,\n \"cell\": ", "run/config.json"));
        String m = e.getMessage();
        assertTrue(m.startsWith("run/config.json is not valid JSON: "), m);
        assertTrue(m.contains("(line 2, column"), m);
        assertTrue(!m.contains("Source:") && !m.contains("REDACTED") && !m.contains("start marker"), m);
    }

    @Test
    void anEmptyArrayIsAnArray() throws IOException {
        assertEquals(List.of(), FlatJson.parseArray(FlatJson.formatArray(List.of()), "test"));
    }

    @Test
    void anythingButAnArrayOfFlatObjectsIsRefused() {
        for (String bad : new String[] {"{}", "[1]", "[{\"a\": [1]}]", "[{\"a\": 1, \"a\": 2}]", "[{}] []", "[{"}) {
            IOException e = assertThrows(IOException.class, () -> FlatJson.parseArray(bad, "stdin"), bad);
            assertTrue(e.getMessage().startsWith("stdin"), e.getMessage());
        }
    }
}
