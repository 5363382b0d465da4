package io.chainrule.examples.check;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;

import java.util.ArrayList;
import java.util.List;

/**
 * A small random problem on which to check one cell's gradients: the program's {@link Model} (the
 * cell and an output layer of {@value #OUTPUTS} values), random inputs x [T, B, D] and targets,
 * and a random initial state that is itself a parameter (so the gradient reaching it, which
 * randomized truncation scales by ξ_0, is checked too). L = (1/T) Σ_t mse(o_t, y_t).
 */
public final class CheckProblem {
    static final int OUTPUTS = 2;

    private final Model model;
    private final Var inputs;
    private final Tensor targets;
    private final State initial;
    private final List<Var> parameters = new ArrayList<>();

    public CheckProblem(String cell, int input, int hidden, int batch, int steps, long seed) {
        this.model = Model.create(cell, input, hidden, OUTPUTS, seed);
        this.inputs = Var.constant(Tensor.randn(seed + 1, 1.0, steps, batch, input));
        this.targets = Tensor.randn(seed + 2, 1.0, steps, batch, OUTPUTS);
        Var[] parts = new Var[model.cell().stateParts()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Var.param(Tensor.randn(seed + 3 + i, 0.5, batch, hidden), "s0[" + i + "]");
        }
        this.initial = State.of(parts);
        parameters.addAll(model.parameters().values());
        parameters.addAll(List.of(parts));
    }

    public Model model() {
        return model;
    }

    public Var inputs() {
        return inputs;
    }

    public State initial() {
        return initial;
    }

    /** Every value the check differentiates: the model's parameters and the initial state. */
    public List<Var> parameters() {
        return parameters;
    }

    /** l_t = mse(o_t, y_t). */
    public StepLoss stepLoss() {
        return (t, h) -> Losses.mse(model.output().apply(h), Var.constant(targets.row(t)));
    }

    /** L under {@code strategy}, recomputed from the current parameter values. */
    public Var loss(BpttStrategy strategy) {
        return Unroll.loss(model.cell(), inputs, initial, stepLoss(), strategy).loss();
    }
}
