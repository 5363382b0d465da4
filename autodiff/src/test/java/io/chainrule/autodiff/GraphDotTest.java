package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphDotTest {

    @Test
    void drawsParametersShadedOperatorsAsCirclesAndEveryEdgeBetweenDeclaredNodes() throws Exception {
        Var w = Var.param(Tensor.ones(2, 2), "W");
        String dot;
        try (AutoCloseable trace = GraphDot.trace()) {
            Var x = Var.constant(Tensor.ones(2), "x_1");
            Var h = Ops.prod(w, x).tanh().named("h_1");
            dot = GraphDot.toDot(h.sum());
        }
        assertTrue(dot.startsWith("digraph"), dot);
        assertTrue(dot.contains("style=filled") && dot.contains("label=\"W\""), dot);
        assertTrue(dot.contains("shape=circle, label=\"matmul\""), dot);
        assertTrue(dot.contains("shape=circle, label=\"tanh\""), dot);
        assertTrue(dot.contains("label=\"h_1\""), dot);
        assertTrue(dot.contains("label=\"x_1\""), dot);
        // every edge endpoint is declared
        Set<String> declared = new HashSet<>();
        Matcher decl = Pattern.compile("^\\s+(\\w+) \\[", Pattern.MULTILINE).matcher(dot);
        while (decl.find()) {
            declared.add(decl.group(1));
        }
        Matcher edge = Pattern.compile("^\\s+(\\w+) -> (\\w+);", Pattern.MULTILINE).matcher(dot);
        int edges = 0;
        while (edge.find()) {
            edges++;
            assertTrue(declared.contains(edge.group(1)) && declared.contains(edge.group(2)), edge.group());
        }
        // W -> matmul, x -> matmul, matmul -> out, out -> tanh, tanh -> h, h -> sum, sum -> out
        assertEquals(7, edges, dot);
        assertEquals(dot.chars().filter(c -> c == '{').count(), dot.chars().filter(c -> c == '}').count());
    }
}
