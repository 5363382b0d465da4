package io.chainrule.examples;

import io.chainrule.core.Tensor;
import io.chainrule.core.kernel.Kernels;

/**
 * The {@code chainrule} program. Until the subcommands land it prints a short report of what the
 * library does, computed on the spot.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("chainrule: reverse-mode automatic differentiation with a recurrent-network module");
        System.out.println("kernels: " + Kernels.describe());
        Tensor a = Tensor.randn(1L, 1.0, 3, 4);
        Tensor b = Tensor.randn(2L, 1.0, 4, 2);
        Tensor ab = a.matmul(b);
        Tensor btat = b.matmul(true, a, true);
        System.out.println("A (3x4) . B (4x2) = " + ab);
        System.out.println("(AB)^T equals B^T A^T (without materializing transposes): max |diff| = "
                + ab.transpose().maxAbsDiff(btat));
        System.out.println("tanh([-2, 0, 0.5, 3]) = " + Tensor.vector(-2, 0, 0.5, 3).tanh());
    }
}
