package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.List;

/**
 * A user-defined cell written with the public API only, in under 30 lines: the minimal gated unit
 * (Zhou et al. 2016), f = σ(x W_fᵀ + h U_fᵀ + b_f), h' = (1 - f) ⊙ h + f ⊙ tanh(x W_hᵀ + (f ⊙ h) U_hᵀ).
 */
final class MinimalGatedUnit implements Cell {
    private final Var wf, uf, bf, wh, uh;

    MinimalGatedUnit(int in, int hidden, long seed) {
        wf = Var.param(Tensor.randn(seed, 0.4, hidden, in), "W_f");
        uf = Var.param(Tensor.randn(seed + 1, 0.4, hidden, hidden), "U_f");
        bf = Var.param(Tensor.randn(seed + 2, 0.4, hidden), "b_f");
        wh = Var.param(Tensor.randn(seed + 3, 0.4, hidden, in), "W_h");
        uh = Var.param(Tensor.randn(seed + 4, 0.4, hidden, hidden), "U_h");
    }

    public List<Var> parameters() { return List.of(wf, uf, bf, wh, uh); }

    public int inputSize() { return wf.shape()[1]; }

    public int hiddenSize() { return wf.shape()[0]; }

    public State step(Var x, State s, Params p) {
        Var h = s.h();
        Var f = Ops.matmul(x, false, p.get(wf), true).add(Ops.matmul(h, false, p.get(uf), true)).add(p.get(bf)).sigmoid();
        Var candidate = Ops.matmul(x, false, p.get(wh), true).add(Ops.matmul(f.mul(h), false, p.get(uh), true)).tanh();
        return State.of(h.add(f.mul(candidate.sub(h))));
    }
}
