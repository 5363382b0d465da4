package io.chainrule.examples.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parser for the subset of Graphviz DOT that {@code GraphDot} emits, strict enough to catch
 * what would break {@code dot}:
 * <pre>
 *   graph     = "digraph" ID "{" stmt* "}"
 *   stmt      = ID "=" ID ";"                       (graph attribute, e.g. rankdir=LR)
 *             | ("node" | "edge") attrs ";"         (defaults)
 *             | ID attrs ";"                        (a node: declared once)
 *             | ID "->" ID ";"                      (an edge between declared nodes)
 *   attrs     = "[" ID "=" value ("," ID "=" value)* "]"
 *   value     = ID | QUOTED ("\"" and "\\" escapes)
 * </pre>
 * Any other token, an unterminated string, a missing brace, a node declared twice or an edge to
 * a node not declared before the end is an error naming the position.
 */
public final class Dot {
    public record Edge(String from, String to) {
    }

    public record Graph(Map<String, Map<String, String>> nodes, List<Edge> edges) {
        /** The node whose label is {@code label} (exactly one must have it). */
        public String byLabel(String label) {
            String found = null;
            for (Map.Entry<String, Map<String, String>> e : nodes.entrySet()) {
                if (label.equals(e.getValue().get("label"))) {
                    if (found != null) {
                        throw new AssertionError("two nodes are labelled '" + label + "': " + found + ", " + e.getKey());
                    }
                    found = e.getKey();
                }
            }
            if (found == null) {
                throw new AssertionError("no node is labelled '" + label + "'");
            }
            return found;
        }

        public List<String> successors(String id) {
            return edges.stream().filter(e -> e.from().equals(id)).map(Edge::to).toList();
        }

        public List<String> predecessors(String id) {
            return edges.stream().filter(e -> e.to().equals(id)).map(Edge::from).toList();
        }
    }

    private final String text;
    private int pos;

    private Dot(String text) {
        this.text = text;
    }

    public static Graph parse(String text) {
        return new Dot(text).graph();
    }

    private Graph graph() {
        expect("digraph");
        id();
        expect("{");
        Map<String, Map<String, String>> nodes = new LinkedHashMap<>();
        List<Edge> edges = new ArrayList<>();
        while (!peek().equals("}")) {
            if (peek().isEmpty()) {
                throw error("the graph is not closed with '}'");
            }
            int at = pos;
            String first = id();
            String next = peek();
            if (next.equals("=")) {
                expect("=");
                id();
            } else if (next.equals("[")) {
                Map<String, String> attrs = attributes();
                if (!first.equals("node") && !first.equals("edge") && nodes.put(first, attrs) != null) {
                    pos = at;
                    throw error("node '" + first + "' is declared twice");
                }
            } else if (next.equals("->")) {
                expect("->");
                edges.add(new Edge(first, id()));
            } else {
                throw error("expected '=', '[' or '->' after '" + first + "'");
            }
            expect(";");
        }
        expect("}");
        if (!peek().isEmpty()) {
            throw error("text after the closing '}'");
        }
        for (Edge e : edges) {
            for (String end : new String[] {e.from(), e.to()}) {
                if (!nodes.containsKey(end)) {
                    throw new IllegalArgumentException("edge " + e.from() + " -> " + e.to() + " has an undeclared endpoint '" + end + "'");
                }
            }
        }
        return new Graph(nodes, edges);
    }

    private Map<String, String> attributes() {
        expect("[");
        Map<String, String> attrs = new LinkedHashMap<>();
        do {
            String key = id();
            expect("=");
            attrs.put(key, peek().equals("\"") ? quoted() : id());
        } while (tryConsume(","));
        expect("]");
        return attrs;
    }

    private String quoted() {
        expect("\"");
        StringBuilder sb = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != '"') {
            char c = text.charAt(pos++);
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                c = text.charAt(pos++);
            }
            sb.append(c);
        }
        if (pos >= text.length()) {
            throw error("unterminated string");
        }
        pos++;
        return sb.toString();
    }

    private String id() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                || text.charAt(pos) == '#' || text.charAt(pos) == '.')) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a name");
        }
        return text.substring(start, pos);
    }

    private String peek() {
        skipSpace();
        if (pos >= text.length()) {
            return "";
        }
        if (text.startsWith("->", pos)) {
            return "->";
        }
        return String.valueOf(text.charAt(pos));
    }

    private boolean tryConsume(String token) {
        if (peek().equals(token)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) {
        skipSpace();
        if (!text.startsWith(token, pos)) {
            throw error("expected '" + token + "'");
        }
        pos += token.length();
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            line += text.charAt(i) == '\n' ? 1 : 0;
        }
        return new IllegalArgumentException("DOT line " + line + ": " + what);
    }
}
