package io.chainrule.rnn.cell;

import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Params;
import org.apache.commons.math3.random.RandomGenerator;

import java.util.List;

/**
 * What the tanh RNN, GRU and LSTM cells share: PyTorch's weight layout with G gate blocks
 * ({@link GateWeights}), the sizes, and the hoisted input product. Each cell adds its step.
 */
abstract class LayoutCell implements Cell {
    final GateWeights w;
    private final boolean hiddenBiasOutsideGates;

    /**
     * @param hiddenBiasOutsideGates whether b_hh can be added with b_ih before the time loop (it can
     *                               unless a gate multiplies it, as the GRU's reset gate does)
     */
    LayoutCell(String cell, int gates, int inputSize, int hiddenSize, LayerPosition at, RandomGenerator rng,
               DType dtype, boolean hiddenBiasOutsideGates) {
        this(new GateWeights(cell, gates, inputSize, hiddenSize, at, rng, dtype == null ? DType.FLOAT64 : dtype),
                hiddenBiasOutsideGates);
    }

    LayoutCell(GateWeights w, boolean hiddenBiasOutsideGates) {
        this.w = w;
        this.hiddenBiasOutsideGates = hiddenBiasOutsideGates;
    }

    /** The recurrent weight {@code weight_hh_l0} (or the name of its {@link LayerPosition}), [G·H, H]. */
    public Var weightHh() {
        return w.wHh;
    }

    @Override
    public List<Var> parameters() {
        return w.parameters();
    }

    @Override
    public int inputSize() {
        return w.inputSize;
    }

    @Override
    public int hiddenSize() {
        return w.hiddenSize;
    }

    @Override
    public Var prepareInputs(Var inputs, Params p) {
        return w.project(inputs, p, hiddenBiasOutsideGates);
    }
}
