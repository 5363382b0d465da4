package io.chainrule.examples.check;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Architecture;
import io.chainrule.examples.model.Model;
import io.chainrule.rnn.Cell;
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
 * randomized truncation scales by ξ_0, is checked too). L = (1/T) Σ_t mse(o_t, y_t). A deep or
 * bidirectional model is checked in its training form, dropout included (the checker rewinds the
 * thread's random stream before every evaluation, so each draws the same masks).
 */
public final class CheckProblem {
    static final int OUTPUTS = 2;

    private final Model model;
    private final Var inputs;
    private final Tensor targets;
    private final List<State> initial = new ArrayList<>();   // one state, or one per cell of a bidirectional network
    private final List<Var> parameters = new ArrayList<>();

    public CheckProblem(String cell, int input, int hidden, int batch, int steps, long seed) {
        this(cell, Architecture.ONE_LAYER, input, hidden, batch, steps, seed);
    }

    /** The problem for a model of {@code architecture} (in its training form: dropout on when it has dropout). */
    public CheckProblem(String cell, Architecture architecture, int input, int hidden, int batch, int steps, long seed) {
        this.model = Model.create(cell, architecture, input, hidden, OUTPUTS, seed);
        this.inputs = Var.constant(Tensor.randn(seed + 1, 1.0, steps, batch, input));
        this.targets = Tensor.randn(seed + 2, 1.0, steps, batch, OUTPUTS);
        parameters.addAll(model.parameters().values());
        List<State> zeros = model.bidirectional() ? model.network().zeroStates(batch)
                : List.of(Unroll.zeroState(model.cell(), batch));
        long s = seed + 3;
        for (State zero : zeros) {
            Var[] parts = new Var[zero.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Var.param(Tensor.randn(s++, 0.5, batch, hidden), "s0[" + i + "]");
            }
            initial.add(State.of(parts));
            parameters.addAll(List.of(parts));
        }
    }

    public Model model() {
        return model;
    }

    /** Whether the model is a bidirectional network (checked under full and checkpointed BPTT only). */
    public boolean bidirectional() {
        return model.bidirectional();
    }

    /** The cell in its training form (a model of one direction). */
    public Cell cell() {
        return model.trainingCell();
    }

    public Var inputs() {
        return inputs;
    }

    /** The initial state (a model of one direction). */
    public State initial() {
        return initial.get(0);
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
        if (!model.bidirectional()) {
            return Unroll.loss(cell(), inputs, initial(), stepLoss(), strategy).loss();
        }
        Var[] outputs = Ops.unstack(model.trainingNetwork().apply(inputs, initial, strategy).outputs(), 0);
        StepLoss l = stepLoss();
        Var sum = Var.constant(0.0);
        for (int t = 0; t < outputs.length; t++) {
            sum = sum.add(l.at(t, outputs[t]));
        }
        return sum.mul(1.0 / outputs.length);
    }
}
