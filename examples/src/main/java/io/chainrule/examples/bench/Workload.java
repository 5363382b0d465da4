package io.chainrule.examples.bench;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;

/**
 * One benchmark configuration: a cell with random weights, random inputs [T, B, D] and a zero
 * initial state; an iteration is one forward and backward of L = (1/T) Σ_t Σ h_t (every element
 * of every hidden state, the objective of the rnn module's hand-written baseline), gradients
 * zeroed first. The graph is freed by backward, so nothing is kept between iterations.
 */
public final class Workload {
    private final Cell cell;
    private final Var inputs;
    private final State initial;
    private final BpttStrategy strategy;

    public Workload(String cell, int batch, int input, int hidden, int steps, BpttStrategy strategy, long seed) {
        this.cell = Model.create(cell, input, hidden, 1, seed).cell();
        this.inputs = Var.constant(Tensor.randn(seed + 1, 1.0, steps, batch, input));
        this.initial = Unroll.zeroState(this.cell, batch);
        this.strategy = strategy;
    }

    public Cell cell() {
        return cell;
    }

    /** One forward and backward; returns the loss. */
    public double iteration() {
        for (Var p : cell.parameters()) {
            p.zeroGrad();
        }
        Var loss = Unroll.loss(cell, inputs, initial, (t, h) -> h.sum(), strategy).loss();
        loss.backward();
        return loss.value().item();
    }
}
