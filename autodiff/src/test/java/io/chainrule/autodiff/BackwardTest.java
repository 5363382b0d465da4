package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackwardTest {

    @Test
    void scalarChainRule() {
        // L = tanh(w * x)², dL/dw = 2 tanh(wx) (1 - tanh²(wx)) x
        Var w = Var.param(Tensor.scalar(0.7), "w");
        Var x = Var.constant(1.3);
        Var t = w.mul(x).tanh();
        t.mul(t).backward();
        double th = Math.tanh(0.7 * 1.3);
        assertEquals(2 * th * (1 - th * th) * 1.3, w.grad().item(), 1e-15);
    }

    @Test
    void aTanhAndASigmoidWhoseOutputsAreUsedTwiceGetTheChainRule() {
        // y used by two sums: its gradient is a buffer the engine owns, which the backward of
        // tanh (sigmoid) overwrites with the input gradient; the first sum's gradient is added in place
        double[] xs = {-1.5, -0.2, 0.0, 0.4, 2.5};
        double[] cs = {0.5, -2.0, 3.0, 1.0, -0.25};
        for (boolean sigmoid : new boolean[] {false, true}) {
            Var x = Var.param(Tensor.vector(xs));
            Var y = sigmoid ? x.sigmoid() : x.tanh();
            y.sum().add(y.mul(Var.constant(Tensor.vector(cs))).sum()).backward();
            for (int i = 0; i < xs.length; i++) {
                double v = sigmoid ? 1 / (1 + Math.exp(-xs[i])) : Math.tanh(xs[i]);
                double slope = sigmoid ? v * (1 - v) : 1 - v * v;
                assertEquals((1 + cs[i]) * slope, x.grad().get(i), 1e-15 * (1 + Math.abs(cs[i])), "element " + i);
            }
        }
    }

    @Test
    void aHookThatKeepsAnOutputGradientSeesItUnchangedAfterBackward() {
        Var x = Var.param(Tensor.vector(0.3, -0.7));
        Var y = x.tanh();
        Tensor[] seen = new Tensor[1];
        y.onGradient(g -> seen[0] = g);
        y.sum().add(y.mul(Var.constant(Tensor.vector(2.0, 3.0))).sum()).backward();
        // dL/dy = 1 + c, not overwritten by dL/dx = (1 + c)(1 - y²)
        assertEquals(3.0, seen[0].get(0), 0.0);
        assertEquals(4.0, seen[0].get(1), 0.0);
    }

    @Test
    void aLeafUsedThreeTimesGetsTheSumOfItsContributions() {
        Var w = Var.param(Tensor.scalar(2.0));
        Var y = w.mul(Var.constant(3)).add(w.mul(Var.constant(5))).add(w.mul(w));
        y.backward();
        assertEquals(3 + 5 + 2 * 2.0, w.grad().item(), 0.0);
    }

    @Test
    void nothingUpstreamOfADetachReceivesGradient() {
        Var w = Var.param(Tensor.scalar(2.0));
        Var v = Var.param(Tensor.scalar(3.0));
        Var y = w.mul(v).detach().mul(v);
        y.backward();
        assertNull(w.grad());
        assertEquals(6.0, v.grad().item(), 0.0);
    }

    @Test
    void aChainOfOneHundredThousandOpsDifferentiatesWithoutRecursion() {
        Var w = Var.param(Tensor.scalar(1.0));
        Var h = w;
        for (int i = 0; i < 100_000; i++) {
            h = h.mul(Var.constant(1.0));
        }
        h.backward();
        assertEquals(1.0, w.grad().item(), 0.0);
    }

    @Test
    void aSecondBackwardThroughAFreedGraphIsAClearError() {
        Var w = Var.param(Tensor.vector(1, 2, 3));
        Var y = w.tanh().sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackwardThatAccumulates() {
        Var w = Var.param(Tensor.vector(1, 2, 3));
        Var y = w.tanh().sum();
        y.backward(Tensor.scalar(1.0), true);
        Tensor first = w.grad().copy();
        y.backward();
        assertTrue(w.grad().allClose(first.mul(2.0), 0, 0));
    }

    @Test
    void backwardOnANonScalarNeedsASeed() {
        Var w = Var.param(Tensor.vector(1, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.tanh().backward());
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void checkpointedGradientsAreBitwiseIdentical() {
        Tensor init = Tensor.randn(7L, 0.5, 4, 4);
        Tensor h0 = Tensor.randn(8L, 1.0, 3, 4);
        Tensor[] grads = new Tensor[2];
        for (int mode = 0; mode < 2; mode++) {
            Var w = Var.param(init.copy());
            Var h = Var.constant(h0);
            Var loss = Var.constant(0.0);
            for (int seg = 0; seg < 5; seg++) {
                Checkpoint.Segment s = in -> {
                    Var hh = in[0];
                    Var acc = in[1];
                    for (int t = 0; t < 4; t++) {
                        hh = hh.prod(w).tanh();
                        acc = acc.add(hh.mul(hh).sum());
                    }
                    return new Var[] {hh, acc};
                };
                Var[] out = mode == 0 ? s.apply(new Var[] {h, loss}) : Checkpoint.apply(s, h, loss);
                h = out[0];
                loss = out[1];
            }
            loss.backward();
            grads[mode] = w.grad();
        }
        assertTrue(grads[0].bitwiseEquals(grads[1]), () -> grads[0] + " vs " + grads[1]);
    }
}
