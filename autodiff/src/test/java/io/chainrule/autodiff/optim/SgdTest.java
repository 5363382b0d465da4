package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.chainrule.autodiff.optim.Ulps.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SgdTest {

    private static final double[] P0 = {0.5, -1.5, 2.0};
    /** The gradient given at steps 1, 2, 3 (set by hand, so only the optimizer is tested). */
    private static final double[][] G = {{0.3, -0.2, 1.0}, {-0.1, 0.4, 0.25}, {0.7, 0.05, -0.6}};

    /** Runs three steps of {@code opt} on a parameter starting at P0 with the gradients G. */
    private static Tensor threeSteps(Sgd.Builder config) {
        Var p = Var.param(Tensor.vector(P0), "p");
        Sgd opt = config.build(List.of(p));
        for (double[] g : G) {
            p.setGrad(Tensor.vector(g));
            opt.step();
        }
        assertEquals(3, opt.stepCount());
        return p.value();
    }

    /** The documented update, written out independently for one element. */
    private static double[] expected(double lr, double mu, boolean nesterov, double lambda) {
        double[] out = new double[P0.length];
        for (int k = 0; k < P0.length; k++) {
            double p = P0[k];
            double b = 0;
            for (int t = 1; t <= G.length; t++) {
                double d = G[t - 1][k] + lambda * p;
                if (mu != 0) {
                    b = mu * b + d;
                    d = nesterov ? d + mu * b : b;
                }
                p = p - lr * d;
            }
            out[k] = p;
        }
        return out;
    }

    @Test
    void plainSgdSubtractsLrTimesTheGradient() {
        // literal: p3 = p0 - lr (g1 + g2 + g3)
        Tensor p = threeSteps(Sgd.builder(0.1));
        for (int k = 0; k < 3; k++) {
            assertEquals(P0[k] - 0.1 * (G[0][k] + G[1][k] + G[2][k]), p.getFlat(k), 1e-15);
        }
        assertClose(expected(0.1, 0, false, 0), p, "plain");
    }

    @Test
    void momentumFollowsTheDocumentedFormula() {
        assertClose(expected(0.1, 0.9, false, 0), threeSteps(Sgd.builder(0.1).momentum(0.9)), "momentum");
    }

    @Test
    void nesterovFollowsTheDocumentedFormula() {
        assertClose(expected(0.05, 0.8, true, 0), threeSteps(Sgd.builder(0.05).momentum(0.8).nesterov(true)),
                "nesterov");
    }

    @Test
    void weightDecayAddsLambdaTimesTheParameterToTheGradient() {
        assertClose(expected(0.1, 0, false, 0.3), threeSteps(Sgd.builder(0.1).weightDecay(0.3)), "plain + wd");
        assertClose(expected(0.1, 0.9, true, 0.3),
                threeSteps(Sgd.builder(0.1).momentum(0.9).nesterov(true).weightDecay(0.3)), "nesterov + wd");
    }

    @Test
    void theMomentumBufferStartsAsACopyOfTheGradient() {
        // constant gradient g: heavy ball moves lr·g, then lr·(1 + μ)·g; Nesterov moves lr·(1 + μ)·g at once
        Var p = Var.param(Tensor.scalar(1.0));
        Sgd heavy = Sgd.builder(0.5).momentum(0.9).build(List.of(p));
        p.setGrad(Tensor.scalar(2.0));
        heavy.step();
        assertEquals(1.0 - 0.5 * 2.0, p.value().item(), 0.0);
        heavy.step();
        assertEquals(0.0 - 0.5 * 1.9 * 2.0, p.value().item(), 1e-15);
        assertEquals(1.9 * 2.0, heavy.state().get("momentum_buffer.0").item(), 1e-15);

        Var q = Var.param(Tensor.scalar(1.0));
        Sgd nesterov = Sgd.builder(0.5).momentum(0.9).nesterov(true).build(List.of(q));
        q.setGrad(Tensor.scalar(2.0));
        nesterov.step();
        assertEquals(1.0 - 0.5 * 1.9 * 2.0, q.value().item(), 1e-15);
    }

    @Test
    void aParameterWithoutGradientIsSkippedAndKeepsItsState() {
        Var a = Var.param(Tensor.vector(1, 2), "a");
        Var b = Var.param(Tensor.vector(3, 4), "b");
        Sgd opt = Sgd.builder(0.1).momentum(0.9).weightDecay(0.5).build(List.of(a, b));
        a.setGrad(Tensor.vector(1, 1));
        b.setGrad(Tensor.vector(1, 1));
        opt.step();
        Tensor bBefore = b.value().copy();
        Tensor bufBefore = opt.state().get("momentum_buffer.1");
        b.zeroGrad(); // no gradient: no weight decay, no momentum, no count
        opt.step();
        assertTrue(b.value().bitwiseEquals(bBefore));
        assertTrue(opt.state().get("momentum_buffer.1").bitwiseEquals(bufBefore));
        assertEquals(1.0, opt.state().get("step.1").item());
        assertEquals(2.0, opt.state().get("step.0").item());
        assertEquals(2, opt.stepCount());
    }

    @Test
    void stepReadsGradientsAndZeroGradClearsThem() {
        Var p = Var.param(Tensor.vector(1, 2));
        Sgd opt = new Sgd(List.of(p), 0.1);
        Tensor g = Tensor.vector(0.5, 0.5);
        p.setGrad(g);
        opt.step();
        assertSame(g, p.grad());
        assertTrue(g.bitwiseEquals(Tensor.vector(0.5, 0.5)));
        opt.zeroGrad();
        assertNull(p.grad());
    }

    @Test
    void sgdConvergesOnLeastSquares() {
        LeastSquares plain = new LeastSquares();
        double loss = plain.train(new Sgd(plain.params(), 0.1), 500);
        assertTrue(plain.distanceToOptimum() < 1e-9, () -> "distance " + plain.distanceToOptimum());
        assertTrue(loss < 1e-16, () -> "loss " + loss);

        LeastSquares nesterov = new LeastSquares();
        nesterov.train(Sgd.builder(0.05).momentum(0.9).nesterov(true).build(nesterov.params()), 400);
        assertTrue(nesterov.distanceToOptimum() < 1e-9, () -> "distance " + nesterov.distanceToOptimum());
    }

    @Test
    void invalidHyperparametersAreNamedWithTheirValue() {
        assertMessage(() -> Sgd.builder(0), "lr", "0.0");
        assertMessage(() -> Sgd.builder(-0.1), "lr", "-0.1");
        assertMessage(() -> Sgd.builder(Double.NaN), "lr", "NaN");
        assertMessage(() -> Sgd.builder(Double.POSITIVE_INFINITY), "lr", "Infinity");
        assertMessage(() -> Sgd.builder(0.1).momentum(1.0), "momentum", "1.0");
        assertMessage(() -> Sgd.builder(0.1).momentum(-0.5), "momentum", "-0.5");
        assertMessage(() -> Sgd.builder(0.1).momentum(Double.NaN), "momentum", "NaN");
        assertMessage(() -> Sgd.builder(0.1).weightDecay(-1e-4), "weightDecay", "-1.0E-4");
        assertMessage(() -> Sgd.builder(0.1).weightDecay(Double.NaN), "weightDecay", "NaN");
        Var p = Var.param(Tensor.scalar(1));
        assertMessage(() -> Sgd.builder(0.1).nesterov(true).build(List.of(p)), "nesterov", "momentum 0.0");
    }

    @Test
    void invalidParameterListsAreExplained() {
        Var p = Var.param(Tensor.scalar(1), "p");
        assertMessage(() -> new Sgd(null, 0.1), "params", "null");
        assertMessage(() -> new Sgd(List.of(), 0.1), "params", "empty");
        List<Var> withNull = new ArrayList<>();
        withNull.add(p);
        withNull.add(null);
        assertMessage(() -> new Sgd(withNull, 0.1), "params[1]", "null");
        assertMessage(() -> new Sgd(List.of(p, Var.param(Tensor.scalar(2)), p), 0.1), "params[0] and params[2]", "'p'");
        assertMessage(() -> new Sgd(List.of(Var.constant(1.0)), 0.1), "params[0]", "a constant");
        assertMessage(() -> new Sgd(List.of(p, p.tanh()), 0.1), "params[1]", "the output of 'tanh'");
    }

    static void assertMessage(Runnable r, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
        }
    }
}
