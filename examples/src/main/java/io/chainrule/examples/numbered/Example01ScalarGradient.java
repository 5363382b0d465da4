package io.chainrule.examples.numbered;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.io.PrintStream;

/**
 * A gradient by reverse mode: f(x, y) = tanh(x·y) + x²·y at (x, y) = (0.5, -1.5), one backward
 * pass, and the derivatives from calculus beside it:
 * <pre>
 *   ∂f/∂x = y (1 − tanh²(xy)) + 2xy        ∂f/∂y = x (1 − tanh²(xy)) + x²
 * </pre>
 */
public final class Example01ScalarGradient {
    private Example01ScalarGradient() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        Var x = Var.param(Tensor.scalar(0.5), "x");
        Var y = Var.param(Tensor.scalar(-1.5), "y");
        Var f = x.mul(y).tanh().add(x.mul(x).mul(y));   // the graph is recorded as f is computed
        f.backward();                                    // one pass from f back to x and y

        double xv = 0.5;
        double yv = -1.5;
        double sech2 = 1 - Math.tanh(xv * yv) * Math.tanh(xv * yv);
        double dx = yv * sech2 + 2 * xv * yv;
        double dy = xv * sech2 + xv * xv;
        out.printf("f(0.5, -1.5) = %.17g%n", f.value().item());
        out.printf("df/dx: backward %.17g, calculus %.17g%n", x.grad().item(), dx);
        out.printf("df/dy: backward %.17g, calculus %.17g%n", y.grad().item(), dy);
        double err = Math.max(Math.abs(x.grad().item() - dx) / Math.abs(dx), Math.abs(y.grad().item() - dy) / Math.abs(dy));
        out.printf("largest relative difference %.1e%n", err);
        if (err > 1e-15) {
            throw new AssertionError("backward and calculus disagree by " + err);
        }
    }
}
