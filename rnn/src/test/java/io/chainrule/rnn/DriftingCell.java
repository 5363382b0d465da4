package io.chainrule.rnn;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.List;

/**
 * A faulty cell for error tests: {@code h' = h Wᵀ + x} with D = H = 3, except that from its
 * {@code firstDrift}-th call on (counting from 1) the step returns the state twice side by side,
 * [B, 6] instead of [B, 3].
 */
public final class DriftingCell implements Cell {
    private final Var w = Var.param(Tensor.ones(3, 3), "W");
    private final int firstDrift;
    private int calls;

    public DriftingCell(int firstDrift) {
        this.firstDrift = firstDrift;
    }

    @Override
    public List<Var> parameters() {
        return List.of(w);
    }

    @Override
    public int inputSize() {
        return 3;
    }

    @Override
    public int hiddenSize() {
        return 3;
    }

    @Override
    public State step(Var x, State s, Params p) {
        Var h = Ops.matmul(s.h(), false, p.get(w), true).add(x);
        return ++calls >= firstDrift ? State.of(Ops.concat(1, h, h)) : State.of(h);
    }
}
