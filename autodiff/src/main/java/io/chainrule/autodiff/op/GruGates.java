package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.core.kernel.GateKernels;

/**
 * The pointwise part of a GRU step as one op: from {@code xi} = x·W_ihᵀ + b_ih and
 * {@code hh} = h·W_hhᵀ + b_hh (each [B, 3H], gate order r, z, n) and the previous state
 * {@code hPrev} [B, H],
 * <pre>
 *   r = σ(xr + hr)   z = σ(xz + hz)   n = tanh(xn + r ⊙ hn)   h = n + z ⊙ (hPrev − n)
 * </pre>
 * A primitive for speed: one pass where the composed form ({@code GruCell.composedGates}) makes two
 * splits and eleven elementwise ops with their buffers. Values and gradients are bitwise those of
 * the composed form ({@link GateKernels}). Backward, with g the gradient of h:
 * {@code dn = g − g⊙z}, {@code dpn = dn ⊙ (1 − n²)}, {@code dr = dpn ⊙ hn}: {@code d xi} =
 * (dr⊙r(1−r), g⊙(hPrev − n)⊙z(1−z), dpn), {@code d hh} = (the same r and z parts, dpn ⊙ r),
 * {@code d hPrev = g ⊙ z}. Saves the activated gates, hh and hPrev.
 */
public final class GruGates extends Op {
    private GruGates(Var xi, Var hh, Var hPrev) {
        super("gru_gates", xi, hh, hPrev);
    }

    /** h of one GRU step; see the class comment. */
    public static Var apply(Var xi, Var hh, Var hPrev) {
        Tensor x = xi.value();
        Tensor y = hh.value();
        Tensor hp = hPrev.value();
        if (x.rank() != 2 || !x.sameShape(y) || hp.rank() != 2 || x.dim(0) != hp.dim(0) || x.dim(1) != 3 * hp.dim(1)) {
            throw new IllegalArgumentException("gru_gates: shapes " + Shape.format(x.shape()) + ", " + Shape.format(y.shape())
                    + " and " + Shape.format(hp.shape()) + " do not fit [B, 3H], [B, 3H] and [B, H]");
        }
        if (y.dtype() != x.dtype() || hp.dtype() != x.dtype()) {
            throw new IllegalArgumentException("gru_gates: dtypes " + x.dtype() + ", " + y.dtype() + " and " + hp.dtype()
                    + " do not mix; cast them to one (Ops.cast)");
        }
        Tensor act = Tensor.zeros(x.dtype(), x.dim(0), x.dim(1));
        Tensor h = Tensor.zeros(x.dtype(), hp.dim(0), hp.dim(1));
        GateKernels.gruForward(x, y, hp, act, h);
        GruGates op = new GruGates(xi, hh, hPrev);
        op.save(act);
        op.save(hh);
        op.save(hPrev);
        return op.output(h);
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor act = saved(0);
        Tensor hh = saved(1);
        Tensor hPrev = saved(2);
        Tensor dxi = needsInputGrad(0) ? grads.destination(0) : null;
        Tensor dhh = needsInputGrad(1) ? grads.destination(1) : null;
        Tensor dhPrev = needsInputGrad(2) ? grads.destination(2) : null;
        GateKernels.gruBackward(act, hh, hPrev, grads.output(), dxi, dhh, dhPrev);
        grads.set(0, dxi);
        grads.set(1, dhh);
        grads.set(2, dhPrev);
    }
}
