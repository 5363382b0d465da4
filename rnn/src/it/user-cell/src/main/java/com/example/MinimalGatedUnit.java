package com.example;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;

import java.util.List;

/**
 * A cell of the user's own, the minimal gated unit (Zhou et al. 2016):
 * f = σ(x W_fᵀ + h U_fᵀ + b_f), h' = (1 − f) ⊙ h + f ⊙ tanh(x W_hᵀ + (f ⊙ h) U_hᵀ).
 */
public final class MinimalGatedUnit implements Cell {
    private final Var wf, uf, bf, wh, uh;

    public MinimalGatedUnit(int in, int hidden, long seed) {
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
        Var f = Ops.linear(x, p.get(wf), p.get(bf)).add(Ops.linear(h, p.get(uf), null)).sigmoid();
        Var n = Ops.linear(x, p.get(wh), null).add(Ops.linear(f.mul(h), p.get(uh), null)).tanh();
        return State.of(h.add(f.mul(n.sub(h))));
    }
}
