package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.core.kernel.GateKernels;

/**
 * The pointwise part of an LSTM step as one op: from the pre-activations {@code pre} [B, 4H] (gate
 * order i, f, g, o) and the previous cell state {@code cPrev} [B, H],
 * <pre>
 *   i = σ(pre_i)   f = σ(pre_f)   g = tanh(pre_g)   o = σ(pre_o)
 *   c = f ⊙ cPrev + i ⊙ g          h = o ⊙ tanh(c)
 * </pre>
 * outputs (h, c). A primitive for speed: one pass where the composed form
 * ({@code LstmCell.composedGates}) makes a split and ten elementwise ops with their buffers, which
 * dominate a step at small H. Values and gradients are bitwise those of the composed form (the same
 * operations in the same order, {@link GateKernels}). Backward: with
 * {@code dc' = dc + dh ⊙ o ⊙ (1 − tanh²(c))}: {@code d pre} = (dc'⊙g⊙i(1−i), dc'⊙cPrev⊙f(1−f),
 * dc'⊙i⊙(1−g²), dh⊙tanh(c)⊙o(1−o)), {@code d cPrev = dc' ⊙ f}. Saves the activated gates, cPrev and
 * tanh(c).
 */
public final class LstmGates extends Op {
    private LstmGates(Var pre, Var cPrev) {
        super("lstm_gates", pre, cPrev);
    }

    /** (h, c) of one LSTM step; see the class comment. */
    public static Var[] apply(Var pre, Var cPrev) {
        Tensor p = pre.value();
        Tensor cp = cPrev.value();
        if (p.rank() != 2 || cp.rank() != 2 || p.dim(0) != cp.dim(0) || p.dim(1) != 4 * cp.dim(1)) {
            throw new IllegalArgumentException("lstm_gates: pre-activations of shape " + Shape.format(p.shape())
                    + " and a cell state of shape " + Shape.format(cp.shape()) + " do not fit [B, 4H] and [B, H]");
        }
        if (cp.dtype() != p.dtype()) {
            throw new IllegalArgumentException("lstm_gates: " + p.dtype() + " pre-activations and a " + cp.dtype()
                    + " cell state do not mix; cast one (Ops.cast)");
        }
        int b = cp.dim(0);
        int hidden = cp.dim(1);
        Tensor act = Tensor.zeros(p.dtype(), b, 4 * hidden);
        Tensor c = Tensor.zeros(p.dtype(), b, hidden);
        Tensor tc = Tensor.zeros(p.dtype(), b, hidden);
        Tensor h = Tensor.zeros(p.dtype(), b, hidden);
        GateKernels.lstmForward(p, cp, act, c, tc, h);
        LstmGates op = new LstmGates(pre, cPrev);
        op.save(act, tc);
        op.save(cPrev);
        return op.outputs(h, c);
    }

    @Override
    protected void backward(Gradients grads) {
        Tensor act = saved(0);
        Tensor tc = saved(1);
        Tensor cPrev = saved(2);
        Tensor dPre = needsInputGrad(0) ? grads.destination(0) : Tensor.zerosLike(act);
        Tensor dcPrev = needsInputGrad(1) ? grads.destination(1) : null;
        GateKernels.lstmBackward(act, cPrev, tc, grads.output(0), grads.output(1), dPre, dcPrev);
        grads.set(0, needsInputGrad(0) ? dPre : null);
        grads.set(1, dcPrev);
    }
}
