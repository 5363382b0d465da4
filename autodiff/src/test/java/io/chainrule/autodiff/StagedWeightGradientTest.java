package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine collects the weight-gradient products {@code gᵀ·x} a parameter receives and
 * multiplies them out together (see {@code Backward.STAGED_ROWS}). That must give bitwise the
 * gradient of adding each product as it arrives, also when other kinds of contribution arrive in
 * between, when the rows overflow the staging block, and when the parameter already holds a
 * gradient from an earlier backward.
 */
class StagedWeightGradientTest {

    /**
     * L = Σ_t sum(c_t ⊙ (x_t Wᵀ)) + (every third step) sum(d_t ⊙ W), with W [m, n] used at every step as
     * a recurrent layer uses W_hh; the expected gradient adds each contribution, in the order the
     * engine delivers them (the reverse of creation), into one buffer: the products c_tᵀ·x_t in
     * place, the elementwise terms d_t by addition.
     */
    @Property(tries = 40)
    void stagedProductsGiveBitwiseTheGradientOfAddingEachAsItArrives(
            @ForAll @IntRange(min = 1, max = 40) int steps,
            @ForAll @IntRange(min = 1, max = 100) int rows,
            @ForAll @IntRange(min = 1, max = 12) int m,
            @ForAll @IntRange(min = 1, max = 12) int n,
            @ForAll boolean earlierGradient,
            @ForAll long seed) {
        Var w = Var.param(Tensor.randn(seed, 1.0, m, n));
        Tensor earlier = Tensor.randn(seed + 1, 1.0, m, n);
        if (earlierGradient) {
            w.setGrad(earlier.copy());
        }
        List<Tensor> cs = new ArrayList<>();
        List<Tensor> xs = new ArrayList<>();
        List<Tensor> ds = new ArrayList<>();
        Var loss = Var.constant(0.0);
        for (int t = 0; t < steps; t++) {
            Tensor x = Tensor.randn(seed + 10 + 3L * t, 1.0, rows, n);
            Tensor c = Tensor.randn(seed + 11 + 3L * t, 1.0, rows, m);
            Var z = Ops.addMatMul(Var.constant(Tensor.zeros(rows, m)), Var.constant(x), false, w, true);
            loss = loss.add(z.mul(Var.constant(c)).sum());
            xs.add(x);
            cs.add(c);
            Tensor d = t % 3 == 2 ? Tensor.randn(seed + 12 + 3L * t, 1.0, m, n) : null;
            if (d != null) {
                loss = loss.add(w.mul(Var.constant(d)).sum());
            }
            ds.add(d);
        }
        loss.backward();

        Tensor want = earlierGradient ? earlier.copy() : null;
        for (int t = steps - 1; t >= 0; t--) {
            if (ds.get(t) != null) {
                want = want == null ? ds.get(t).copy() : want.addInPlace(ds.get(t));
            }
            // dW = gᵀ · x with g = c_t (the gradient of z_t)
            want = want == null ? cs.get(t).matmul(true, xs.get(t), false)
                    : want.addMatMulInPlace(cs.get(t), true, xs.get(t), false);
        }
        assertTrue(w.grad().bitwiseEquals(want), "steps=" + steps + " rows=" + rows + " m=" + m + " n=" + n);
    }

    /**
     * The staging rows are kept on the thread for later passes, like other gradient buffers. Two
     * parameters of one shape staged in the same pass, pass after pass with different numbers of
     * steps (so leftover rows of an earlier pass lie in the kept arrays), still get bitwise the
     * gradients of adding each product as it arrives.
     */
    @org.junit.jupiter.api.Test
    void keptStagingRowsGiveBitwiseTheGradientsOfAddingEachProduct() {
        int rows = 24;
        int m = 5;
        int n = 7;
        for (int pass = 0; pass < 4; pass++) {
            int steps = 13 - 3 * pass;
            long seed = 100 + 50L * pass;
            Var u = Var.param(Tensor.randn(seed, 1.0, m, n));
            Var v = Var.param(Tensor.randn(seed + 1, 1.0, m, n));
            Tensor wantU = null;
            Tensor wantV = null;
            List<Tensor[]> terms = new ArrayList<>();
            Var loss = Var.constant(0.0);
            for (int t = 0; t < steps; t++) {
                Tensor x = Tensor.randn(seed + 10 + 4L * t, 1.0, rows, n);
                Tensor c = Tensor.randn(seed + 11 + 4L * t, 1.0, rows, m);
                Tensor y = Tensor.randn(seed + 12 + 4L * t, 1.0, rows, n);
                Tensor d = Tensor.randn(seed + 13 + 4L * t, 1.0, rows, m);
                Var zu = Ops.addMatMul(Var.constant(Tensor.zeros(rows, m)), Var.constant(x), false, u, true);
                Var zv = Ops.addMatMul(Var.constant(Tensor.zeros(rows, m)), Var.constant(y), false, v, true);
                loss = loss.add(zu.mul(Var.constant(c)).sum()).add(zv.mul(Var.constant(d)).sum());
                terms.add(new Tensor[] {c, x, d, y});
            }
            loss.backward();
            for (int t = steps - 1; t >= 0; t--) {
                Tensor[] k = terms.get(t);
                wantU = wantU == null ? k[0].matmul(true, k[1], false) : wantU.addMatMulInPlace(k[0], true, k[1], false);
                wantV = wantV == null ? k[2].matmul(true, k[3], false) : wantV.addMatMulInPlace(k[2], true, k[3], false);
            }
            assertTrue(u.grad().bitwiseEquals(wantU), "pass " + pass + ": the first parameter's gradient");
            assertTrue(v.grad().bitwiseEquals(wantV), "pass " + pass + ": the second parameter's gradient");
        }
    }
}
