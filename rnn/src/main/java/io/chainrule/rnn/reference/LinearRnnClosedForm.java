package io.chainrule.rnn.reference;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The chapter's closed-form BPTT for the linear RNN, written with {@code core} tensors alone
 * (no autodiff), as an independent oracle.
 *
 * <p>Model (batched rows, B sequences): {@code h_t = x_t W_hxᵀ + h_{t-1} W_hhᵀ},
 * {@code o_t = h_t W_qhᵀ}, {@code L = (1/T) Σ_t l(o_t, y_t)}. Given {@code ∂l/∂o_t}:
 * <pre>
 * ∂L/∂o_t   = (1/T) ∂l/∂o_t
 * ∂L/∂W_qh  = Σ_t (∂L/∂o_t)ᵀ h_t
 * ∂L/∂h_T   = (∂L/∂o_T) W_qh
 * ∂L/∂h_t   = (∂L/∂h_{t+1}) W_hh + (∂L/∂o_t) W_qh          (t &lt; T)
 * ∂L/∂W_hx  = Σ_t (∂L/∂h_t)ᵀ x_t
 * ∂L/∂W_hh  = Σ_t (∂L/∂h_t)ᵀ h_{t-1}
 * ∂L/∂h_0   = (∂L/∂h_1) W_hh
 * </pre>
 * (the chapter's column-vector formulas, transposed for row batches).
 */
public final class LinearRnnClosedForm {
    private LinearRnnClosedForm() {
    }

    /** The gradients of L and the forward values. */
    public static final class Result {
        public final double loss;
        public final Tensor dWqh;
        public final Tensor dWhx;
        public final Tensor dWhh;
        public final Tensor dH0;
        /** ∂L/∂h_t for t = 1..T (index t-1). */
        public final List<Tensor> dH;
        /** h_t for t = 1..T (index t-1). */
        public final List<Tensor> h;

        Result(double loss, Tensor dWqh, Tensor dWhx, Tensor dWhh, Tensor dH0, List<Tensor> dH, List<Tensor> h) {
            this.loss = loss;
            this.dWqh = dWqh;
            this.dWhx = dWhx;
            this.dWhh = dWhh;
            this.dH0 = dH0;
            this.dH = dH;
            this.h = h;
        }
    }

    /**
     * Forward and closed-form backward.
     *
     * @param x       inputs [T, B, D]
     * @param h0      initial state [B, H]
     * @param wHx     [H, D]
     * @param wHh     [H, H]
     * @param wQh     [Q, H]
     * @param lossAt  l(o_t, t): the loss value of step t (0-based) given o_t [B, Q]
     * @param gradAt  ∂l/∂o_t given o_t and t
     */
    public static Result compute(Tensor x, Tensor h0, Tensor wHx, Tensor wHh, Tensor wQh,
                                 BiFunction<Tensor, Integer, Double> lossAt,
                                 BiFunction<Tensor, Integer, Tensor> gradAt) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException("x must be [T, B, D], got " + Shape.format(x.shape()));
        }
        int steps = x.dim(0);
        if (steps == 0) {
            throw new IllegalArgumentException("T = 0");
        }
        List<Tensor> hs = new ArrayList<>(steps);
        List<Tensor> dOs = new ArrayList<>(steps);
        Tensor h = h0;
        double loss = 0;
        for (int t = 0; t < steps; t++) {
            Tensor xt = x.row(t);
            h = xt.matmul(false, wHx, true).add(h.matmul(false, wHh, true));
            hs.add(h);
            Tensor o = h.matmul(false, wQh, true);
            loss += lossAt.apply(o, t);
            dOs.add(gradAt.apply(o, t).mul(1.0 / steps));
        }
        loss /= steps;
        Tensor dWqh = Tensor.zerosLike(wQh);
        Tensor dWhx = Tensor.zerosLike(wHx);
        Tensor dWhh = Tensor.zerosLike(wHh);
        Tensor[] dH = new Tensor[steps];
        Tensor next = null;
        for (int t = steps - 1; t >= 0; t--) {
            Tensor dO = dOs.get(t);
            dWqh.addInPlace(dO.matmul(true, hs.get(t), false));
            Tensor dh = dO.matmul(wQh);
            if (next != null) {
                dh = next.matmul(wHh).add(dh);
            }
            dH[t] = dh;
            dWhx.addInPlace(dh.matmul(true, x.row(t), false));
            Tensor hPrev = t == 0 ? h0 : hs.get(t - 1);
            dWhh.addInPlace(dh.matmul(true, hPrev, false));
            next = dh;
        }
        Tensor dH0 = dH[0].matmul(wHh);
        return new Result(loss, dWqh, dWhx, dWhh, dH0, List.of(dH), hs);
    }
}
