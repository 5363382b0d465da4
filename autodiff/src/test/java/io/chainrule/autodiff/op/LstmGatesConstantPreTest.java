package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * lstm_gates whose pre-activations need no gradient (data, or a frozen input projection) and whose
 * cell state does: only d cPrev = dc' ⊙ f is handed over, against the LSTM equations written out
 * here in plain arithmetic.
 */
class LstmGatesConstantPreTest {

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    @Test
    void onlyTheCellStateGetsAGradient() {
        int b = 2;
        int h = 3;
        double[] pre = new double[b * 4 * h];
        double[] cPrev = new double[b * h];
        for (int i = 0; i < pre.length; i++) {
            pre[i] = Math.sin(1.7 * i + 0.3);
        }
        for (int i = 0; i < cPrev.length; i++) {
            cPrev[i] = Math.cos(0.9 * i) * 0.8;
        }
        Var p = Var.constant(Tensor.of(pre, b, 4 * h));
        Var c0 = Var.param(Tensor.of(cPrev, b, h));
        Var[] hc = Ops.lstmGates(p, c0);
        // L = Σ h + 2 Σ c: dh = 1, dc = 2
        hc[0].sum().add(hc[1].sum().mul(2.0)).backward();
        assertNull(p.grad());
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < h; j++) {
                int row = r * 4 * h;
                double i = sigmoid(pre[row + j]);
                double f = sigmoid(pre[row + h + j]);
                double g = Math.tanh(pre[row + 2 * h + j]);
                double o = sigmoid(pre[row + 3 * h + j]);
                double c = f * cPrev[r * h + j] + i * g;
                double t = Math.tanh(c);
                double dcTotal = 2 + o * (1 - t * t);
                assertEquals(dcTotal * f, c0.grad().get(r, j), 1e-14, "dL/dcPrev[" + r + "][" + j + "]");
                assertEquals(o * t, hc[0].value().get(r, j), 1e-15, "h[" + r + "][" + j + "]");
            }
        }
    }
}
