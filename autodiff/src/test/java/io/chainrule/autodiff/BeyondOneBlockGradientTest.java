package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;

/**
 * Gradients whose kernels run past their first block, against finite differences: a weight
 * gradient {@code Xᵀ·g} whose inner dimension k is 300 or 1100 rows (the gemm kernel takes k in
 * blocks of 256, and the engine stages weight-gradient rows in blocks of 256), and a bias gradient
 * summed over 1100 rows (the row sum runs in chunks of 1024). A kernel that dropped or repeated a
 * block would still pass every check on smaller sizes. The weight matrices have at least 5 rows,
 * so the products take the kernel's blocked path (fewer rows are summed as rows of axpy).
 */
class BeyondOneBlockGradientTest {

    @Test
    void aWeightGradientOverThreeHundredRowsMatchesFiniteDifferences() {
        Var x = Var.constant(Tensor.uniform(1, -1, 1, 300, 6));
        Var w = Var.param(Tensor.uniform(2, -1, 1, 6, 5), "W");
        Tensor c = Tensor.uniform(3, -1, 1, 300, 5);
        GradCheck.check(() -> Ops.matmul(x, false, w, false).tanh().mul(Var.constant(c)).sum(), List.of(w))
                .assertClose(TOLERANCE);
        Var wt = Var.param(Tensor.uniform(4, -1, 1, 5, 6), "Wt");
        GradCheck.check(() -> Ops.matmul(x, false, wt, true).sigmoid().mul(Var.constant(c)).sum(), List.of(wt))
                .assertClose(TOLERANCE);
    }

    @Test
    void aBiasGradientOverElevenHundredRowsMatchesFiniteDifferences() {
        Var x = Var.constant(Tensor.uniform(5, -1, 1, 1100, 4));
        Var w = Var.param(Tensor.uniform(6, -1, 1, 6, 4), "W");
        Var b = Var.param(Tensor.uniform(7, -1, 1, 6), "b");
        Tensor c = Tensor.uniform(8, -1, 1, 1100, 6);
        GradCheck.check(() -> Ops.addMatMul(b, x, false, w, true, Activation.TANH).mul(Var.constant(c)).sum(),
                List.of(w, b)).assertClose(TOLERANCE);
        GradCheck.check(() -> Ops.add(Ops.matmul(x, false, w, true), b).exp().mul(Var.constant(c)).mean(),
                List.of(w, b)).assertClose(TOLERANCE);
    }

    /** The input's gradient g·W over 1100 rows, checked by random directions, and x's rows as the staged factor. */
    @Test
    void anInputGradientOverElevenHundredRowsMatchesFiniteDifferences() {
        Var x = Var.param(Tensor.uniform(9, -1, 1, 1100, 4), "x");
        Var w = Var.param(Tensor.uniform(10, -1, 1, 6, 4), "W");
        GradCheck.check(() -> Ops.matmul(x, false, w, true).tanh().sum(), List.of(x, w)).assertClose(TOLERANCE);
    }
}
