package io.chainrule.examples.graph;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test parser accepts what GraphDot writes and rejects what would not be a graph. */
class DotTest {

    @Test
    void readsNodesAttributesAndEdges() {
        Dot.Graph g = Dot.parse("digraph g {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
                + "  a [shape=box, label=\"x \\\"1\\\"\"];\n  b [shape=circle, label=\"add\"];\n  a -> b;\n}\n");
        assertEquals(Map.of("shape", "box", "label", "x \"1\""), g.nodes().get("a"));
        assertEquals(List.of(new Dot.Edge("a", "b")), g.edges());
        assertEquals("b", g.byLabel("add"));
    }

    @Test
    void rejectsBrokenGraphs() {
        String[] broken = {
            "digraph g { a [label=\"x\"]; a -> b; }",           // undeclared endpoint
            "digraph g { a [label=\"x\"];",                      // unbalanced brace
            "digraph g { a [label=\"x]; }",                      // unterminated string
            "digraph g { a [label=\"x\"] }",                     // missing semicolon
            "digraph g { a [label=\"x\"]; a [label=\"y\"]; }",  // declared twice
            "digraph g { a -- b; }",                             // not a directed edge
            "digraph g { } }",                                   // text after the end
        };
        for (String text : broken) {
            assertThrows(IllegalArgumentException.class, () -> Dot.parse(text), text);
        }
    }

    @Test
    void errorsNameTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dot.parse("digraph g {\n  a [label=\"x\"];\n  a => b;\n}"));
        assertTrue(e.getMessage().startsWith("DOT line 3"), e.getMessage());
    }
}
