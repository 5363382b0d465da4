package io.chainrule.autodiff;

import io.chainrule.autodiff.engine.Vertex;
import io.chainrule.core.Shape;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws the recorded graph behind a value in Graphviz DOT, in the style of the BPTT chapter's
 * figure: variables as boxes, parameters as shaded boxes, operators as circles, arrows in the
 * direction of the forward computation.
 *
 * <p>Constant inputs (data such as x_t) are not part of the gradient graph; to draw them too,
 * build the graph inside {@link #trace()}. Values named with {@link Var#named} are labelled with
 * their names, others with their shapes.
 */
public final class GraphDot {
    private GraphDot() {
    }

    private static final ThreadLocal<int[]> TRACING = ThreadLocal.withInitial(() -> new int[1]);

    /** While the returned scope is open, recorded operations also remember their constant inputs for drawing. */
    public static AutoCloseable trace() {
        TRACING.get()[0]++;
        return () -> TRACING.get()[0]--;
    }

    static boolean isTracing() {
        return TRACING.get()[0] > 0;
    }

    static String label(String name, int[] shape) {
        return name != null ? name : Shape.format(shape);
    }

    /** The DOT source of the graph that {@code root} depends on. */
    public static String toDot(Var root) {
        StringBuilder sb = new StringBuilder();
        sb.append("digraph chainrule {\n");
        sb.append("  rankdir=LR;\n");
        sb.append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        if (root.node == null) {
            sb.append("  v0 [shape=box, label=\"").append(escape(label(root.name(), root.shape()))).append("\"];\n");
            return sb.append("}\n").toString();
        }
        // collect vertices iteratively
        Map<Vertex, Integer> ids = new IdentityHashMap<>();
        List<Vertex> nodes = new ArrayList<>();
        Deque<Vertex> stack = new ArrayDeque<>();
        stack.push(root.node);
        while (!stack.isEmpty()) {
            Vertex n = stack.pop();
            if (ids.containsKey(n)) {
                continue;
            }
            ids.put(n, ids.size());
            nodes.add(n);
            for (int i = 0; i < n.inputCount(); i++) {
                Vertex m = n.producer(i);
                if (m != null && !ids.containsKey(m)) {
                    stack.push(m);
                }
            }
        }
        nodes.sort(Comparator.comparingLong(Vertex::id));
        int constants = 0;
        for (Vertex n : nodes) {
            int id = ids.get(n);
            if (n.isLeaf()) {
                String l = n.outputLabel(0) != null ? n.outputLabel(0) : Shape.format(n.outputShape(0));
                sb.append("  v").append(id).append("_0 [shape=box, style=filled, fillcolor=\"#c8c8c8\", label=\"")
                        .append(escape(l)).append("\"];\n");
                continue;
            }
            sb.append("  op").append(id).append(" [shape=circle, label=\"").append(escape(n.name())).append("\"];\n");
            for (int s = 0; s < n.outputCount(); s++) {
                String l = n.outputLabel(s) != null ? n.outputLabel(s) : Shape.format(n.outputShape(s));
                sb.append("  v").append(id).append('_').append(s).append(" [shape=box, label=\"").append(escape(l))
                        .append("\"];\n");
                sb.append("  op").append(id).append(" -> v").append(id).append('_').append(s).append(";\n");
            }
            for (int i = 0; i < n.inputCount(); i++) {
                Vertex in = n.producer(i);
                if (in != null) {
                    sb.append("  v").append(ids.get(in)).append('_').append(n.producerSlot(i)).append(" -> op").append(id)
                            .append(";\n");
                } else if (n.constantLabel(i) != null) {
                    String c = "c" + (constants++);
                    sb.append("  ").append(c).append(" [shape=box, label=\"").append(escape(n.constantLabel(i)))
                            .append("\"];\n");
                    sb.append("  ").append(c).append(" -> op").append(id).append(";\n");
                }
            }
        }
        return sb.append("}\n").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
