package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.chainrule.autodiff.optim.SgdTest.assertMessage;
import static io.chainrule.autodiff.optim.Ulps.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamTest {

    private static final double[] P0 = {0.5, -1.5, 2.0};
    /** The gradients of steps 1, 2, 3; small next to eps = 0.1 below, so where eps goes matters. */
    private static final double[][] G = {{0.03, -0.2, 1.0}, {-0.01, 0.4, 0.25}, {0.07, 0.05, -0.6}};

    private static Tensor threeSteps(Adam.Builder config) {
        Var p = Var.param(Tensor.vector(P0), "p");
        Adam opt = config.build(List.of(p));
        for (double[] g : G) {
            p.setGrad(Tensor.vector(g));
            opt.step();
        }
        return p.value();
    }

    /** The documented update, written out independently for one element. */
    private static double[] expected(double lr, double b1, double b2, double eps, double lambda) {
        double[] out = new double[P0.length];
        for (int k = 0; k < P0.length; k++) {
            double p = P0[k];
            double m = 0;
            double v = 0;
            for (int t = 1; t <= G.length; t++) {
                double g = G[t - 1][k] + lambda * p;
                m = b1 * m + (1 - b1) * g;
                v = b2 * v + (1 - b2) * g * g;
                double mHat = m / (1 - Math.pow(b1, t));
                double vHat = v / (1 - Math.pow(b2, t));
                p = p - lr * mHat / (Math.sqrt(vHat) + eps);
            }
            out[k] = p;
        }
        return out;
    }

    @Test
    void theFirstStepMovesEachElementByLrTimesGOverAbsGPlusEps() {
        // m̂₁ = g and v̂₁ = g², so p₁ = p₀ − lr·g/(|g| + eps) whatever the betas
        Var p = Var.param(Tensor.vector(P0));
        Adam opt = Adam.builder(0.01).betas(0.8, 0.99).eps(0.1).build(List.of(p));
        p.setGrad(Tensor.vector(G[0]));
        opt.step();
        for (int k = 0; k < 3; k++) {
            double g = G[0][k];
            assertEquals(P0[k] - 0.01 * g / (Math.abs(g) + 0.1), p.value().getFlat(k), 1e-15);
        }
    }

    @Test
    void threeStepsFollowTheDocumentedFormula() {
        assertClose(expected(0.01, 0.8, 0.99, 0.1, 0), threeSteps(Adam.builder(0.01).betas(0.8, 0.99).eps(0.1)),
                "adam");
        assertClose(expected(1e-3, 0.9, 0.999, 1e-8, 0), threeSteps(Adam.builder(1e-3)), "defaults");
    }

    @Test
    void weightDecayAddsLambdaTimesTheParameterToTheGradient() {
        assertClose(expected(0.05, 0.9, 0.999, 1e-3, 0.5),
                threeSteps(Adam.builder(0.05).eps(1e-3).weightDecay(0.5)), "adam + wd");
    }

    @Test
    void biasCorrectionCountsEachParametersOwnUpdates() {
        // b has no gradient at step 1; its first update at step 2 is a first update (t = 1)
        Var a = Var.param(Tensor.scalar(1.0), "a");
        Var b = Var.param(Tensor.scalar(1.0), "b");
        Adam opt = Adam.builder(0.1).eps(0.5).build(List.of(a, b));
        a.setGrad(Tensor.scalar(0.2));
        opt.step();
        b.setGrad(Tensor.scalar(0.2));
        opt.step();
        assertEquals(1.0 - 0.1 * 0.2 / (0.2 + 0.5), b.value().item(), 1e-15);
        assertEquals(1.0, opt.state().get("step.1").item());
        assertEquals(2.0, opt.state().get("step.0").item());
        // and the moments of b are those of one update
        assertEquals(0.1 * 0.2, opt.state().get("exp_avg.1").item(), 1e-17);
        assertEquals(0.001 * 0.2 * 0.2, opt.state().get("exp_avg_sq.1").item(), 1e-19);
    }

    @Test
    void adamConvergesOnLeastSquares() {
        LeastSquares problem = new LeastSquares();
        double loss = problem.train(new Adam(problem.params(), 0.05), 500);
        assertTrue(problem.distanceToOptimum() < 1e-9, () -> "distance " + problem.distanceToOptimum());
        assertTrue(loss < 1e-18, () -> "loss " + loss);
    }

    @Test
    void invalidHyperparametersAreNamedWithTheirValue() {
        assertMessage(() -> Adam.builder(0), "Adam", "lr", "0.0");
        assertMessage(() -> Adam.builder(Double.NaN), "lr", "NaN");
        assertMessage(() -> Adam.builder(1e-3).betas(1.0, 0.999), "beta1", "1.0");
        assertMessage(() -> Adam.builder(1e-3).betas(-0.1, 0.999), "beta1", "-0.1");
        assertMessage(() -> Adam.builder(1e-3).betas(0.9, 1.5), "beta2", "1.5");
        assertMessage(() -> Adam.builder(1e-3).betas(0.9, Double.NaN), "beta2", "NaN");
        assertMessage(() -> Adam.builder(1e-3).eps(0), "eps", "0.0");
        assertMessage(() -> Adam.builder(1e-3).eps(-1e-8), "eps", "-1.0E-8");
        assertMessage(() -> Adam.builder(1e-3).eps(Double.NaN), "eps", "NaN");
        assertMessage(() -> Adam.builder(1e-3).weightDecay(-0.01), "weightDecay", "-0.01");
        assertMessage(() -> new Adam(List.of(), 1e-3), "Adam", "params", "empty");
    }

    @Test
    void aRejectedBetaLeavesTheOtherUnchanged() {
        Adam.Builder b = Adam.builder(0.1).betas(0.5, 0.6);
        assertMessage(() -> b.betas(0.7, 2.0), "beta2");
        // still betas (0.5, 0.6): the first step's moment is (1 - 0.5)·g
        Var p = Var.param(Tensor.scalar(0.0));
        Adam opt = b.build(List.of(p));
        p.setGrad(Tensor.scalar(1.0));
        opt.step();
        assertEquals(0.5, opt.state().get("exp_avg.0").item(), 0.0);
        assertEquals(0.4, opt.state().get("exp_avg_sq.0").item(), 1e-16);
    }
}
