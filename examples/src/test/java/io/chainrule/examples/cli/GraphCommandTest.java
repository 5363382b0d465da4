package io.chainrule.examples.cli;

import io.chainrule.examples.graph.Dot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chainrule graph --steps N} prints a well-formed DOT digraph (parsed by the test's
 * {@link Dot}) with the chapter's figure in it: one shaded box per parameter (weight tying), x_t,
 * h_t, o_t and L as boxes, operators as circles, edges only between a value and an operator, h_t
 * computed from W_hx x_t and W_hh h_{t-1}, and L reachable from every input and parameter.
 */
class GraphCommandTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 6})
    void theGraphIsTheChaptersFigure(int steps) {
        Cli.Result r = Cli.run("graph", "--steps", Integer.toString(steps));
        assertEquals(0, r.exit(), r::toString);
        Dot.Graph g = Dot.parse(r.out());
        Map<String, Map<String, String>> nodes = g.nodes();

        // h_1 = W_hx x_1 (no h_0, as in the figure): W_hh is used from step 2 on
        List<String> parameters = steps == 1 ? List.of("W_hx", "W_qh") : List.of("W_hx", "W_hh", "W_qh");
        long shaded = nodes.values().stream().filter(a -> "filled".equals(a.get("style"))).count();
        assertEquals(parameters.size(), shaded, "exactly the parameters are shaded, each drawn once");
        for (String p : parameters) {
            assertEquals("filled", nodes.get(g.byLabel(p)).get("style"), p);
            assertEquals("box", nodes.get(g.byLabel(p)).get("shape"), p);
        }
        for (Map.Entry<String, Map<String, String>> e : nodes.entrySet()) {
            String shape = e.getValue().get("shape");
            assertTrue(shape.equals("box") || shape.equals("circle"), e::toString);
            assertFalse(e.getValue().get("label").startsWith("["), () -> "every value is named, none by its shape: " + e);
        }
        for (Dot.Edge e : g.edges()) {
            boolean fromOp = nodes.get(e.from()).get("shape").equals("circle");
            boolean toOp = nodes.get(e.to()).get("shape").equals("circle");
            assertTrue(fromOp != toOp, () -> "an edge joins a value and an operator: " + e);
        }
        // weight tying: each parameter feeds one product per step (W_hh from step 2 on)
        assertEquals(steps, g.successors(g.byLabel("W_hx")).size());
        if (steps > 1) {
            assertEquals(steps - 1, g.successors(g.byLabel("W_hh")).size());
        }
        assertEquals(steps, g.successors(g.byLabel("W_qh")).size());

        String loss = g.byLabel("L");
        Set<String> reachesL = ancestors(g, loss);
        for (int t = 1; t <= steps; t++) {
            String x = g.byLabel("x_" + t);
            assertEquals("box", nodes.get(x).get("shape"));
            assertFalse(nodes.get(x).containsKey("style"), "inputs are variables, not shaded");
            assertTrue(reachesL.contains(x), "x_" + t + " reaches L");
            String h = g.byLabel("h_" + t);
            List<String> made = g.predecessors(h);
            assertEquals(1, made.size());
            Set<String> inputs = new HashSet<>();
            for (String in : g.predecessors(made.get(0))) {
                inputs.add(nodes.get(in).get("label"));
            }
            assertEquals(t == 1 ? Set.of("W_hx", "x_1") : Set.of("W_hx x_" + t, "W_hh h_" + (t - 1)), inputs, "h_" + t);
            assertTrue(g.successors(g.byLabel("o_" + t)).size() == 1, "o_" + t + " goes into its loss");
        }
        for (String p : List.of("W_hx", "W_qh")) {
            assertTrue(reachesL.contains(g.byLabel(p)), p);
        }
        assertTrue(g.successors(loss).isEmpty(), "L is the root");
        assertAcyclic(g);
    }

    private static Set<String> ancestors(Dot.Graph g, String node) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(node));
        while (!todo.isEmpty()) {
            for (String p : g.predecessors(todo.pop())) {
                if (seen.add(p)) {
                    todo.push(p);
                }
            }
        }
        return seen;
    }

    private static void assertAcyclic(Dot.Graph g) {
        for (String n : g.nodes().keySet()) {
            assertFalse(ancestors(g, n).contains(n), () -> n + " lies on a cycle");
        }
    }


    @Test
    void printsDotOnStandardOutputOrWritesItToAFile(@TempDir Path dir) throws IOException {
        Cli.Result r = Cli.run("graph", "--steps", "2");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("digraph chainrule {"), r::toString);
        Path file = dir.resolve("g.dot");
        Cli.Result w = Cli.run("graph", "--steps", "2", "--out", file.toString());
        assertEquals(0, w.exit(), w::toString);
        assertEquals("", w.out());
        assertEquals(r.out(), Files.readString(file));
    }

    @Test
    void theDefaultIsTheFiguresThreeSteps() {
        Cli.Result r = Cli.run("graph");
        assertTrue(r.out().contains("label=\"h_3\"") && !r.out().contains("label=\"h_4\""), r::toString);
    }

    @Test
    void aGraphNeedsAStep() {
        Cli.Result r = Cli.run("graph", "--steps", "0");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--steps must be from 1 to 10000"), r::toString);
    }
}
