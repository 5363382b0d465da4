package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * softmax, logSoftmax and crossEntropy stay finite, in value and gradient, for logits of
 * magnitude 1e4 (where exp overflows), and equal their closed forms computed with the maximum
 * subtracted in plain Java.
 */
class StableSoftmaxProperties {

    /** N×C logits uniform in [-1e4, 1e4] with one entry exactly ±1e4. */
    private static Tensor logits(int n, int c, long seed) {
        Tensor x = Tensor.uniform(seed, -1e4, 1e4, n, c);
        x.setFlatInPlace(new Random(seed).nextInt(n * c), seed % 2 == 0 ? 1e4 : -1e4);
        return x;
    }

    /** Reference log-softmax of each row of x, x - m - log Σ exp(x - m) with m the row maximum, in plain Java. */
    private static double[][] logSoftmaxRows(Tensor x) {
        int n = x.dim(0);
        int c = x.dim(1);
        double[][] lp = new double[n][c];
        for (int i = 0; i < n; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                m = Math.max(m, x.get(i, j));
            }
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += Math.exp(x.get(i, j) - m);
            }
            for (int j = 0; j < c; j++) {
                lp[i][j] = x.get(i, j) - m - Math.log(s);
            }
        }
        return lp;
    }

    /** Reference softmax of each row of x: exp of the reference log-softmax. */
    private static double[][] softmaxRows(Tensor x) {
        double[][] p = logSoftmaxRows(x);
        for (double[] row : p) {
            for (int j = 0; j < row.length; j++) {
                row[j] = Math.exp(row[j]);
            }
        }
        return p;
    }

    @Property(tries = 100)
    void softmaxOfHugeLogitsIsFiniteAndMatchesItsClosedForm(@ForAll @IntRange(min = 1, max = 5) int n,
                                                            @ForAll @IntRange(min = 1, max = 6) int c,
                                                            @ForAll long seed) {
        Tensor x0 = logits(n, c, seed);
        double[][] ref = softmaxRows(x0);
        Tensor w = Tensor.uniform(seed + 1, -1, 1, n, c);
        Var x = Var.param(x0.copy());
        Var p = Ops.softmax(x, 1);
        Ops.sum(Ops.mul(p, Var.constant(w))).backward();
        assertTrue(p.value().allFinite() && x.grad().allFinite(), () -> p.value() + " " + x.grad());
        for (int i = 0; i < n; i++) {
            double wp = 0;
            for (int j = 0; j < c; j++) {
                wp += w.get(i, j) * ref[i][j];
            }
            for (int j = 0; j < c; j++) {
                assertEquals(ref[i][j], p.value().get(i, j), 1e-15);
                // d/dx_j Σ w p = p_j (w_j - Σ w p)
                assertEquals(ref[i][j] * (w.get(i, j) - wp), x.grad().get(i, j), 1e-15);
            }
        }
        // without the shift, a row whose maximum is above 710 overflows and one below -746 underflows to 0/0
        Tensor rowMax = x0.max(new int[] {1}, false);
        if (rowMax.maxValue() > 710 || rowMax.minValue() < -746) {
            Var naive = Ops.div(Ops.exp(Var.constant(x0)), Ops.sum(Ops.exp(Var.constant(x0)), 1, true));
            assertFalse(naive.value().allFinite(), "the unshifted formula should break on these logits");
        }
    }

    @Property(tries = 100)
    void logSoftmaxOfHugeLogitsIsFiniteAndMatchesItsClosedForm(@ForAll @IntRange(min = 1, max = 5) int n,
                                                               @ForAll @IntRange(min = 1, max = 6) int c,
                                                               @ForAll long seed) {
        Tensor x0 = logits(n, c, seed);
        double[][] ref = softmaxRows(x0);
        double[][] refLog = logSoftmaxRows(x0);
        Tensor w = Tensor.uniform(seed + 1, -1, 1, n, c);
        Var x = Var.param(x0.copy());
        Var lp = Ops.logSoftmax(x, 1);
        Ops.sum(Ops.mul(lp, Var.constant(w))).backward();
        assertTrue(lp.value().allFinite() && x.grad().allFinite(), () -> lp.value() + " " + x.grad());
        for (int i = 0; i < n; i++) {
            double ws = 0;
            for (int j = 0; j < c; j++) {
                ws += w.get(i, j);
            }
            for (int j = 0; j < c; j++) {
                double want = refLog[i][j];
                assertTrue(lp.value().get(i, j) <= 0);
                assertEquals(want, lp.value().get(i, j), 1e-15 * Math.abs(want) + 1e-15);
                // d/dx_j Σ w log p = w_j - p_j Σ w
                assertEquals(w.get(i, j) - ref[i][j] * ws, x.grad().get(i, j), 1e-14);
            }
        }
    }

    @Property(tries = 100)
    void crossEntropyOfHugeLogitsIsFiniteWithGradientSoftmaxMinusOneHotOverN(
            @ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 6) int c,
            @ForAll long seed) {
        Tensor x0 = logits(n, c, seed);
        double[][] ref = softmaxRows(x0);
        double[][] refLog = logSoftmaxRows(x0);
        Random random = new Random(seed);
        int[] targets = new int[n];
        double want = 0;
        for (int i = 0; i < n; i++) {
            targets[i] = random.nextInt(c);
            want -= refLog[i][targets[i]];
        }
        want /= n;
        Var x = Var.param(x0.copy());
        Var loss = Losses.crossEntropy(x, targets);
        loss.backward();
        assertTrue(Double.isFinite(loss.value().item()) && loss.value().item() >= 0);
        assertTrue(x.grad().allFinite());
        assertEquals(want, loss.value().item(), 1e-15 * Math.max(1, want));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double g = (ref[i][j] - (j == targets[i] ? 1 : 0)) / n;
                assertEquals(g, x.grad().get(i, j), 1e-15);
            }
        }
    }
}
