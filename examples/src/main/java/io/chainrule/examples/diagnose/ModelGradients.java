package io.chainrule.examples.diagnose;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Batch;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.train.StepLosses;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import io.chainrule.rnn.diagnostics.GradientDiagnostics;
import io.chainrule.rnn.diagnostics.Spectrum;

import java.util.ArrayList;
import java.util.List;

/** What a model's recurrent weights do to gradients: spectral radii per gate block, and the gradient reaching each step. */
public final class ModelGradients {
    private ModelGradients() {
    }

    /** The spectral radius of one H×H block of the recurrent weight. */
    public record GateRadius(String gate, double radius) {
    }

    /**
     * The spectral radius of each gate's H×H block of the recurrent weight W_hh, in the cell's
     * gate order (PyTorch's: GRU r, z, n; LSTM i, f, g, o; one block "h" for the tanh and linear
     * RNNs). For gated cells it bounds what the block alone would do; the gates' values scale it.
     */
    public static List<GateRadius> gateRadii(Model model) {
        Tensor weight;
        String[] gates;
        if (model.cell() instanceof LinearCell c) {
            weight = c.wHh().value();
            gates = new String[] {"h"};
        } else if (model.cell() instanceof TanhRnnCell c) {
            weight = c.weightHh().value();
            gates = new String[] {"h"};
        } else if (model.cell() instanceof GruCell c) {
            weight = c.weightHh().value();
            gates = new String[] {"r", "z", "n"};
        } else if (model.cell() instanceof LstmCell c) {
            weight = c.weightHh().value();
            gates = new String[] {"i", "f", "g", "o"};
        } else {
            throw new IllegalArgumentException("no recurrent weight known for the cell " + model.cell().name());
        }
        Spectrum[] blocks = Spectrum.ofGateBlocks(weight);
        List<GateRadius> out = new ArrayList<>();
        for (int i = 0; i < blocks.length; i++) {
            out.add(new GateRadius(gates[i], blocks[i].spectralRadius()));
        }
        return out;
    }

    /** ‖∂L/∂h_t‖ on a batch with the loss of its last step only, from a zero state, full BPTT. */
    public static GradientCurve lastStepLoss(String name, Model model, Task task, Batch batch) {
        int last = batch.steps() - 1;
        StepLoss lastOnly = (t, h) -> t == last ? StepLosses.at(task.objective(), batch, t, model.output().apply(h))
                : Var.constant(0.0);
        GradientDiagnostics d = GradientDiagnostics.run(model.cell(), Var.constant(batch.inputs()),
                Unroll.zeroState(model.cell(), batch.batchSize()), lastOnly, Bptt.full());
        return new GradientCurve(name, d.hiddenGradNorms(), d.firstNonFiniteState());
    }
}
