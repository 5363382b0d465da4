package io.chainrule.autodiff;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesTest {

    @Test
    void mseIsTheMeanOfSquaredDifferences() {
        Var prediction = Var.param(Tensor.vector(1, 2, 3));
        Var target = Var.constant(Tensor.vector(1.5, 2, 1));
        Var loss = Losses.mse(prediction, target);
        assertEquals(0, loss.value().rank());
        assertEquals((0.25 + 0 + 4) / 3, loss.value().item(), 1e-15);
        loss.backward();
        // d/dp mean((p - t)²) = 2 (p - t) / n
        double[] want = {2 * -0.5 / 3, 0, 2 * 2.0 / 3};
        for (int i = 0; i < 3; i++) {
            assertEquals(want[i], prediction.grad().getFlat(i), 1e-15);
        }
    }

    @Test
    void mseAveragesOverEveryElementOfAMatrix() {
        Var p = Var.constant(Tensor.matrix(new double[][] {{1, 2}, {3, 4}}));
        Var t = Var.constant(Tensor.matrix(new double[][] {{0, 0}, {0, 0}}));
        assertEquals((1 + 4 + 9 + 16) / 4.0, Losses.mse(p, t).value().item(), 0.0);
    }

    @Test
    void aConstantTargetInAnotherDtypeIsTakenInThePredictionsDtype() {
        // float32 prediction, float64 data: the loss and its gradient stay float32
        Var prediction = Var.param(Tensor.of(new float[] {1, 2, 3}, 3));
        Var target = Var.constant(Tensor.vector(1.5, 2, 1));
        Var loss = Losses.mse(prediction, target);
        assertEquals(DType.FLOAT32, loss.value().dtype());
        // float32 arithmetic: a few roundings of half an ulp each
        double tol = 4 * Math.ulp(1.5f);
        assertEquals((0.25 + 0 + 4) / 3, loss.value().item(), tol);
        loss.backward();
        assertEquals(DType.FLOAT32, prediction.grad().dtype());
        double[] want = {2 * -0.5 / 3, 0, 2 * 2.0 / 3};
        for (int i = 0; i < 3; i++) {
            assertEquals(want[i], prediction.grad().getFlat(i), tol);
        }
        // a float64 scalar target of a float32 scalar prediction, likewise
        Var scalarLoss = Losses.mse(Var.param(Tensor.scalar(DType.FLOAT32, 3)), Var.constant(Tensor.scalar(1)));
        assertEquals(DType.FLOAT32, scalarLoss.value().dtype());
        assertEquals(4.0, scalarLoss.value().item(), 0.0);
    }

    @Test
    void aTargetThatNeedsAGradientIsNotCastAwayFromIt() {
        // scalars of two dtypes mix (float64): the target keeps its gradient, d/dt (p - t)² = -2 (p - t)
        Var prediction = Var.param(Tensor.scalar(DType.FLOAT32, 3));
        Var target = Var.param(Tensor.scalar(1.25));
        Var loss = Losses.mse(prediction, target);
        assertEquals(DType.FLOAT64, loss.value().dtype());
        assertEquals(1.75 * 1.75, loss.value().item(), 0.0);
        loss.backward();
        assertEquals(-2 * 1.75, target.grad().item(), 0.0);
        assertEquals(2 * 1.75, prediction.grad().item(), 0.0);
        // vectors of two dtypes do not mix: an error that says to cast, not a target silently
        // turned into a constant without a gradient
        assertMessage(() -> Losses.mse(Var.param(Tensor.of(new float[] {1, 2}, 2)), Var.param(Tensor.vector(1, 2))),
                "float32", "float64", "cast");
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogSoftmaxOfTheTarget() {
        Var logits = Var.param(Tensor.matrix(new double[][] {{1, 2, 3}, {1, 1, 1}}));
        int[] targets = {2, 0};
        double z0 = Math.exp(1) + Math.exp(2) + Math.exp(3);
        double row0 = -Math.log(Math.exp(3) / z0);
        double row1 = Math.log(3); // uniform over 3 classes
        assertEquals(1.0986122886681098, row1, 0.0);

        Var loss = Losses.crossEntropy(logits, targets);
        assertEquals((row0 + row1) / 2, loss.value().item(), 1e-15);
        assertEquals(row0 + row1, Losses.crossEntropySum(logits, targets).value().item(), 1e-15);

        // dL/dlogits = (softmax - onehot) / N
        loss.backward();
        double[][] want = {
            {Math.exp(1) / z0 / 2, Math.exp(2) / z0 / 2, (Math.exp(3) / z0 - 1) / 2},
            {(1.0 / 3 - 1) / 2, 1.0 / 6, 1.0 / 6}};
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(want[i][j], logits.grad().get(i, j), 1e-15, "dL/dlogits[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void crossEntropyIsFiniteAndRightForLogitsOfMagnitude1e4() {
        Var logits = Var.param(Tensor.matrix(new double[][] {{1e4, -1e4, 0}, {0, 1e4, 1e4}, {1e4, -1e4, 0}}));
        // row 0: the target has the largest logit by 1e4: -log softmax = log(1 + e^-1e4 + e^-2e4) = 0
        // row 1: two logits tie at 1e4: log 2
        // row 2: the target is 2e4 below the largest: 2e4 + log(1 + e^-1e4 + e^-2e4) = 2e4
        Var loss = Losses.crossEntropy(logits, new int[] {0, 2, 1});
        assertEquals((0 + Math.log(2) + 2e4) / 3, loss.value().item(), 1e-11);
        loss.backward();
        assertTrue(logits.grad().allFinite(), logits.grad().toString());
        double[][] want = {{0, 0, 0}, {0, 0.5 / 3, -0.5 / 3}, {1.0 / 3, -1.0 / 3, 0}};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(want[i][j], logits.grad().get(i, j), 1e-16, "dL/dlogits[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void badShapesAndTargetsAreExplained() {
        Var m = Var.constant(Tensor.zeros(2, 3));
        assertMessage(() -> Losses.mse(Var.constant(Tensor.zeros(3)), Var.constant(Tensor.zeros(3, 1))),
                "mse", "[3]", "[3, 1]");
        assertMessage(() -> Losses.crossEntropy(Var.constant(Tensor.zeros(3)), new int[] {0}),
                "crossEntropy", "[N, C]", "[3]");
        assertMessage(() -> Losses.crossEntropy(m, new int[] {0}), "2 rows", "1 targets");
        assertMessage(() -> Losses.crossEntropy(m, new int[] {0, 3}), "target 3", "row 1", "[0, 3)");
        assertMessage(() -> Losses.crossEntropy(m, new int[] {-1, 0}), "target -1", "row 0");
        assertMessage(() -> Losses.crossEntropy(m, null), "targets", "null");
        assertMessage(() -> Losses.crossEntropy(Var.constant(Tensor.zeros(0, 3)), new int[0]), "no rows", "[0, 3]");
        assertMessage(() -> Losses.crossEntropySum(m, new int[] {5, 0}), "crossEntropy", "target 5");
    }

    private static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
        }
    }
}
