package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A test chain: {@code h_{t+1} = tanh(h_t·W + x_t·U + b)} with batch B, input D, hidden H, and
 * (optionally) a running loss {@code loss_{t+1} = loss_t + mean(h_{t+1}²)} carried in the state.
 * Fresh parameters (same values every time) per instance, so runs can be compared bitwise.
 */
final class TanhRnn {
    final Var w;
    final Var u;
    final Var b;
    final Var h0;
    private final Var[] x;
    private final boolean runningLoss;

    TanhRnn(int batch, int input, int hidden, int steps, boolean runningLoss) {
        this.w = Var.param(Tensor.randn(11L, 0.9 / Math.sqrt(hidden), hidden, hidden), "W");
        this.u = Var.param(Tensor.randn(12L, 1.0 / Math.sqrt(input), input, hidden), "U");
        this.b = Var.param(Tensor.randn(13L, 0.1, hidden), "b");
        this.h0 = Var.param(Tensor.randn(14L, 0.5, batch, hidden), "h0");
        this.x = new Var[steps];
        for (int t = 0; t < steps; t++) {
            x[t] = Var.constant(Tensor.randn(100L + t, 1.0, batch, input));
        }
        this.runningLoss = runningLoss;
    }

    Step step() {
        return (state, t) -> {
            Var h = state[0].prod(w).add(x[t].prod(u)).add(b).tanh();
            return runningLoss ? new Var[] {h, state[1].add(h.mul(h).mean())} : new Var[] {h};
        };
    }

    Var[] initialState() {
        return runningLoss ? new Var[] {h0, Var.constant(0.0)} : new Var[] {h0};
    }

    /** The scalar differentiated: the running loss plus the sum of the last state (or just that sum). */
    Var loss(Var[] last) {
        return runningLoss ? last[1].add(last[0].sum()) : last[0].sum();
    }

    List<Var> params() {
        List<Var> all = new ArrayList<>(List.of(w, u, b, h0));
        return all;
    }

    /** A step that counts its calls in {@code calls[0]}. */
    static Step counted(Step step, long[] calls) {
        return (state, t) -> {
            calls[0]++;
            return step.apply(state, t);
        };
    }
}
