package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code linear(x, W, b) = x Wᵀ + b}: its value, its gradients, and its shape errors. */
class LinearTest {

    @Test
    void linearIsXTimesWTransposedPlusTheBiasOnEveryRow() {
        Tensor x = Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Tensor w = Tensor.matrix(new double[][] {{1, 0}, {0, 1}, {1, 1}, {2, -1}});
        Tensor b = Tensor.vector(0.5, -0.5, 0, 1);
        Tensor y = Ops.linear(Var.constant(x), Var.constant(w), Var.constant(b)).value();
        Tensor want = Tensor.matrix(new double[][] {{1.5, 1.5, 3, 1}, {3.5, 3.5, 7, 3}, {5.5, 5.5, 11, 5}});
        assertTrue(y.bitwiseEquals(want), y::toString);
        assertTrue(Ops.linear(Var.constant(x), Var.constant(w), null).value().bitwiseEquals(x.matmul(false, w, true)));
    }

    @Test
    void gradientsOfEveryOperandMatchFiniteDifferences() {
        GradCheck.check(v -> Ops.linear(v[0], v[1], v[2]).tanh(), Tensor.randn(1L, 1.0, 4, 3),
                Tensor.randn(2L, 1.0, 5, 3), Tensor.randn(3L, 1.0, 5)).assertClose(TestTensors.TOLERANCE);
    }

    @Test
    void shapesThatDoNotFitAreNamed() {
        Var x = Var.constant(Tensor.zeros(4, 3));
        assertEquals("linear: bias must have shape [5] for weight [5, 3], got [3]", assertThrows(
                IllegalArgumentException.class, () -> Ops.linear(x, Var.constant(Tensor.zeros(5, 3)),
                        Var.constant(Tensor.zeros(3)))).getMessage());
        assertEquals("linear: weight must be a matrix [out, in], got shape [3]", assertThrows(
                IllegalArgumentException.class, () -> Ops.linear(x, Var.constant(Tensor.zeros(3)), null)).getMessage());
    }
}
