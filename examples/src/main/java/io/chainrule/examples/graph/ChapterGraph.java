package io.chainrule.examples.graph;

import io.chainrule.autodiff.GraphDot;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

/**
 * The computational graph of the BPTT chapter's figure: the linear RNN without biases,
 * <pre>
 *   h_t = W_hx x_t + W_hh h_{t-1},   o_t = W_qh h_t,   L = (1/T) Σ_t l(o_t, y_t)
 * </pre>
 * unrolled over T steps with column vectors and {@code prod}, as in the chapter (h_1 = W_hx x_1:
 * the figure starts without an h_0), and l(o, y) = Σ (o − y)². Every value carries its name from
 * the chapter ({@code x_1}, {@code h_1}, {@code o_1}, {@code W_hh}, {@code L}, ...), so the drawing
 * reads like the figure: variables as boxes, the three parameters as shaded boxes (one each, used
 * at every step: weight tying), operators as circles.
 */
public final class ChapterGraph {
    /** Sizes of x_t, h_t and o_t (they only show in the values, not in the drawing). */
    static final int D = 3;
    static final int H = 4;
    static final int Q = 2;

    private ChapterGraph() {
    }

    /** The graph of L over {@code steps} steps in Graphviz DOT. */
    public static String dot(int steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("the graph needs at least one step, got " + steps);
        }
        try (AutoCloseable trace = GraphDot.trace()) {
            return GraphDot.toDot(loss(steps));
        } catch (Exception e) {
            throw new IllegalStateException("closing the trace scope failed", e);
        }
    }

    /** L over {@code steps} steps with fixed random weights and data. */
    static Var loss(int steps) {
        Var wHx = Var.param(Tensor.randn(1L, 0.5, H, D), "W_hx");
        Var wHh = Var.param(Tensor.randn(2L, 0.5, H, H), "W_hh");
        Var wQh = Var.param(Tensor.randn(3L, 0.5, Q, H), "W_qh");
        Var h = null;
        Var sum = null;
        for (int t = 1; t <= steps; t++) {
            Var x = Var.constant(Tensor.randn(10L + t, 1.0, D), "x_" + t);
            // o − y is composed as o + (−y) (STYLE: sub has no backward of its own); −y of a constant is a constant
            Var minusY = Var.constant(Tensor.randn(1000L + t, 1.0, Q).neg(), "-y_" + t);
            Var input = Ops.prod(wHx, x).named("W_hx x_" + t);
            h = (h == null ? input : input.add(Ops.prod(wHh, h).named("W_hh h_" + (t - 1)))).named("h_" + t);
            Var o = Ops.prod(wQh, h).named("o_" + t);
            Var l = o.add(minusY).named("o_" + t + " - y_" + t).pow(2).named("(o_" + t + " - y_" + t + ")^2").sum()
                    .named("l_" + t);
            sum = sum == null ? l : sum.add(l).named(t == 2 ? "l_1 + l_2" : "l_1 + ... + l_" + t);
        }
        return Ops.mul(sum, Var.constant(Tensor.scalar(1.0 / steps), "1/T")).named("L");
    }
}
