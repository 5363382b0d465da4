package io.chainrule.rnn.testing;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.bptt.SurrogateObjective;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * A small random problem on which to check a cell's gradients: the cell, an output layer on its
 * hidden state, inputs x [T, B, D] and targets y [T, B, Q] (standard normal), and a random initial
 * state that is itself a parameter (so the gradient reaching it, which randomized truncation
 * scales by ξ_0, is checked too). The loss is {@code L = (1/T) Σ_t mse(o_t, y_t)}.
 *
 * <p>Data from {@code seed}: x from {@code seed}, y from {@code seed + 1}, state part i from
 * {@code seed + 2 + i} (standard deviation 0.5).
 */
public final class CellProblem {
    private final Cell cell;
    private final OutputLayer head;
    private final Var inputs;
    private final Tensor targets;
    private final State initial;
    private final List<Var> parameters;

    public CellProblem(Cell cell, OutputLayer head, int batch, int steps, long seed) {
        if (cell == null || head == null) {
            throw new IllegalArgumentException("cell and output layer must not be null");
        }
        if (batch <= 0 || steps <= 0) {
            throw new IllegalArgumentException("batch and steps must be positive, got " + batch + " and " + steps);
        }
        if (head.weight().shape()[1] != cell.hiddenSize()) {
            throw new IllegalArgumentException("the output layer reads " + head.weight().shape()[1]
                    + " values but the cell's hidden size is " + cell.hiddenSize());
        }
        this.cell = cell;
        this.head = head;
        this.inputs = Var.constant(Tensor.randn(seed, 1.0, steps, batch, cell.inputSize()));
        this.targets = Tensor.randn(seed + 1, 1.0, steps, batch, head.weight().shape()[0]);
        Var[] parts = new Var[cell.stateParts()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Var.param(Tensor.randn(seed + 2 + i, 0.5, batch, cell.hiddenSize()), "s0[" + i + "]");
        }
        this.initial = State.of(parts);
        List<Var> ps = new ArrayList<>(cell.parameters());
        ps.addAll(head.parameters());
        ps.addAll(List.of(parts));
        this.parameters = Collections.unmodifiableList(ps);
    }

    /** {@code cell} with an output layer of 2 values (seeded {@code seed + 1}) and data from {@code seed + 2}. */
    public static CellProblem random(Cell cell, int batch, int steps, long seed) {
        return new CellProblem(cell, new OutputLayer(cell.hiddenSize(), 2, true, seed + 1), batch, steps, seed + 2);
    }

    public Cell cell() {
        return cell;
    }

    public OutputLayer head() {
        return head;
    }

    /** x, [T, B, D]. */
    public Var inputs() {
        return inputs;
    }

    /** y, [T, B, Q]. */
    public Tensor targets() {
        return targets;
    }

    /** The initial state: parameters named {@code s0[i]}. */
    public State initial() {
        return initial;
    }

    /** Every value the check differentiates: the cell's parameters, the output layer's, the initial state. */
    public List<Var> parameters() {
        return parameters;
    }

    /** l_t = mse(o_t, y_t). */
    public StepLoss stepLoss() {
        return (t, h) -> Losses.mse(head.apply(h), Var.constant(targets.row(t)));
    }

    /** L under {@code strategy}, from the current parameter values. */
    public Var loss(BpttStrategy strategy) {
        return Unroll.loss(cell, inputs, initial, stepLoss(), strategy).loss();
    }

    /**
     * The loss as {@code strategy} differentiates it, for {@code GradCheck.check}: backward under
     * the strategy, finite differences of its surrogate objective ({@link SurrogateObjective}).
     */
    public Supplier<Var> surrogate(BpttStrategy strategy) {
        return SurrogateObjective.loss(cell, inputs, initial, stepLoss(), strategy);
    }
}
