package io.chainrule.examples.bench;

import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.examples.model.Architecture;
import io.chainrule.examples.model.Model;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.SequenceSource;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;

/**
 * One benchmark configuration: a cell of a dtype with random weights, random inputs
 * ({@link RandomInputs}: made a chunk of steps at a time when the unroll asks, so a long sequence
 * is never held whole) and a zero initial state; an iteration is one forward and backward of
 * L = (1/T) Σ_t Σ h_t (every element of every hidden state, the objective of the rnn module's
 * hand-written baseline), gradients zeroed first. The graph is freed by backward, so nothing is
 * kept between iterations.
 */
public final class Workload {
    private final Cell cell;
    private final SequenceSource inputs;
    private final State initial;
    private final BpttStrategy strategy;

    /** A float64 workload. */
    public Workload(String cell, int batch, int input, int hidden, int steps, BpttStrategy strategy, long seed) {
        this(cell, batch, input, hidden, steps, strategy, seed, DType.FLOAT64);
    }

    /** A workload whose cell and inputs are of {@code dtype}. */
    public Workload(String cell, int batch, int input, int hidden, int steps, BpttStrategy strategy, long seed,
                    DType dtype) {
        this.cell = Model.create(cell, Architecture.ONE_LAYER, input, hidden, 1, seed, dtype).cell();
        this.inputs = new RandomInputs(steps, batch, input, seed + 1, dtype);
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
