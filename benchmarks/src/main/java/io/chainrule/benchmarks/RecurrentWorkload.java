package io.chainrule.benchmarks;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;

/**
 * One forward + backward of a recurrent layer, the unit every RNN benchmark times: inputs
 * [T, B, D], zero initial state, loss (1/T) Σ_t Σ h_t (every element of every hidden state, as
 * PyTorch benchmarks use {@code out.sum().backward()}), gradients of every parameter.
 *
 * <p>Effective FLOP count (matrix products only, no input gradient): G = 1, 3, 4 gate blocks for
 * the tanh RNN, GRU, LSTM; forward 2·T·B·D·G·H + 2·T·B·H·G·H; backward twice that, so
 * {@code 6·T·B·G·H·(D + H)} in all. The linear cell counts like the tanh RNN.
 */
final class RecurrentWorkload {
    final String name;
    final Cell cell;
    final Tensor inputs;
    final int steps;
    final int batch;
    final int in;
    final int hidden;

    RecurrentWorkload(String cellName, int steps, int batch, int in, int hidden, long seed) {
        this.name = cellName;
        this.cell = cell(cellName, in, hidden, seed);
        this.inputs = Tensor.randn(seed + 1, 1.0, steps, batch, in);
        this.steps = steps;
        this.batch = batch;
        this.in = in;
        this.hidden = hidden;
    }

    static Cell cell(String name, int in, int hidden, long seed) {
        switch (name) {
            case "linear": return new LinearCell(in, hidden, seed);
            case "rnn": return new TanhRnnCell(in, hidden, seed);
            case "gru": return new GruCell(in, hidden, seed);
            case "lstm": return new LstmCell(in, hidden, seed);
            default: throw new IllegalArgumentException("unknown cell '" + name + "'; expected linear, rnn, gru or lstm");
        }
    }

    static int gates(String name) {
        switch (name) {
            case "gru": return 3;
            case "lstm": return 4;
            default: return 1;
        }
    }

    /** Effective floating-point operations of one forward + backward. */
    static double flops(String cell, int steps, int batch, int in, int hidden) {
        return 6.0 * steps * batch * gates(cell) * hidden * (double) (in + hidden);
    }

    /** Runs forward and backward once; returns the recurrent weight's gradient. */
    Tensor run(BpttStrategy strategy) {
        for (Var p : cell.parameters()) {
            p.zeroGrad();
        }
        Var loss = Unroll.loss(cell, Var.constant(inputs), Unroll.zeroState(cell, batch), (t, h) -> h.sum(), strategy)
                .loss();
        loss.backward();
        return cell.parameters().get(1).grad();
    }
}
