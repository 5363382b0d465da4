package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Randomized truncation is unbiased: over N independent draws, the mean gradient matches full
 * BPTT. Bound: every coordinate's sample mean lies within 4.5 standard errors of the full
 * gradient. With ~50 coordinates, a correct estimator fails this only with probability about
 * 50 · 7e-6 ≈ 3e-4 (normal approximation, N = 4000); the test is seeded, so it is deterministic.
 */
class RandomizedTruncationUnbiasedTest {

    @Test
    void theMeanOfRandomizedGradientsIsTheFullGradient() {
        assertUnbiased(Bptt.randomized(0.5, 77), 4000);
    }

    /**
     * At π = 0.5 the scales 1/π and 1/(1 − π) coincide, so a strategy that scaled by the wrong one
     * would pass above; at π = 0.3, and under a per-step schedule, it would be biased by a factor
     * (π/(1 − π)) per kept step.
     */
    @Test
    void theMeanAtKeepProbabilitiesOtherThanOneHalfIsTheFullGradient() {
        assertUnbiased(Bptt.randomized(0.3, 78), 1500);
        assertUnbiased(Bptt.randomized(new double[] {0.9, 0.35, 0.7, 0.2, 0.6, 0.8}, 79), 1500);
    }

    private static void assertUnbiased(BpttStrategy randomized, int n) {
        int steps = 6;
        int batch = 2;
        Cell cell = new TanhRnnCell(2, 3, 31);
        OutputLayer head = new OutputLayer(3, 1, false, 32);
        Tensor x = Tensor.randn(33, 1.0, steps, batch, 2);
        Tensor y = Tensor.randn(34, 1.0, steps, batch, 1);
        Var h0 = Var.param(Tensor.randn(35, 0.5, batch, 3), "h0");
        Var wHh = cell.parameters().get(1);
        Var[] tracked = {wHh, h0};

        Tensor[] full = gradients(cell, head, x, y, h0, tracked, Bptt.full());
        Tensor[] sum = new Tensor[tracked.length];
        Tensor[] sumSq = new Tensor[tracked.length];
        for (int i = 0; i < tracked.length; i++) {
            sum[i] = Tensor.zerosLike(full[i]);
            sumSq[i] = Tensor.zerosLike(full[i]);
        }
        boolean sawCut = false;
        for (int k = 0; k < n; k++) {
            Tensor[] g = gradients(cell, head, x, y, h0, tracked, randomized);
            for (double xi : Bptt.lastDraws(randomized)) {
                sawCut |= xi == 0.0;
            }
            for (int i = 0; i < tracked.length; i++) {
                sum[i].addInPlace(g[i]);
                sumSq[i].addInPlace(g[i].square());
            }
        }
        assertTrue(sawCut, () -> randomized.name() + ": some draws must cut the path");
        boolean anyVariance = false;
        for (int i = 0; i < tracked.length; i++) {
            for (int j = 0; j < full[i].size(); j++) {
                double mean = sum[i].getFlat(j) / n;
                double var = sumSq[i].getFlat(j) / n - mean * mean;
                double se = Math.sqrt(Math.max(var, 0) / (n - 1));
                anyVariance |= se > 0;
                double want = full[i].getFlat(j);
                int ii = i;
                int jj = j;
                assertTrue(Math.abs(mean - want) <= 4.5 * se + 1e-12 * Math.abs(want),
                        () -> randomized.name() + ": coordinate " + jj + " of " + tracked[ii].name() + ": mean " + mean + " vs full " + want
                                + " (standard error " + se + ")");
            }
        }
        assertTrue(anyVariance, "randomized gradients must vary between draws");
    }

    private static Tensor[] gradients(Cell cell, OutputLayer head, Tensor x, Tensor y, Var h0, Var[] tracked,
                                      BpttStrategy strategy) {
        for (Var v : tracked) {
            v.zeroGrad();
        }
        Unroll.loss(cell, Var.constant(x), State.of(h0),
                (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), strategy).loss().backward();
        Tensor[] out = new Tensor[tracked.length];
        for (int i = 0; i < tracked.length; i++) {
            // a cut path leaves no gradient at all: that draw's gradient is zero
            Tensor g = tracked[i].grad();
            out[i] = g != null ? g : Tensor.zerosLike(tracked[i].value());
        }
        return out;
    }
}
