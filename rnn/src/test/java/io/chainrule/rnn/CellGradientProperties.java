package io.chainrule.rnn;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

/**
 * For every built-in cell and a user-defined one: BPTT gradients of every parameter and of the
 * initial state equal central finite differences (max relative error 1e-6, {@link GradCheck}'s
 * definition), for random sizes, batch, length and weights.
 */
public class CellGradientProperties {

    public static final double TOLERANCE = 1e-6;

    /** A random problem: cell, output layer, data, initial state parameters. */
    public static final class Problem {
        public final Cell cell;
        public final OutputLayer head;
        public final Tensor x;
        public final Tensor y;
        public final State initial;
        public final List<Var> parameters = new ArrayList<>();

        public Problem(Cell cell, int batch, int steps, long seed) {
            this.cell = cell;
            int hidden = cell.hiddenSize();
            this.head = new OutputLayer(hidden, 2, true, seed + 1);
            this.x = Tensor.randn(seed + 2, 1.0, steps, batch, cell.inputSize());
            this.y = Tensor.randn(seed + 3, 1.0, steps, batch, 2);
            Var[] parts = new Var[cell.stateParts()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Var.param(Tensor.randn(seed + 4 + i, 0.5, batch, hidden), "s0[" + i + "]");
            }
            this.initial = State.of(parts);
            parameters.addAll(cell.parameters());
            parameters.addAll(head.parameters());
            for (int i = 0; i < parts.length; i++) {
                parameters.add(parts[i]);
            }
        }

        /** The step loss: the output layer's mean squared error against the targets of step t. */
        public StepLoss stepLoss() {
            return (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t)));
        }

        public Var loss(BpttStrategy strategy) {
            return Unroll.loss(cell, Var.constant(x), initial, stepLoss(), strategy).loss();
        }
    }

    public static Cell cell(String name, int in, int hidden, long seed) {
        return name.equals("mgu") ? new MinimalGatedUnit(in, hidden, seed) : Cells.create(name, in, hidden, seed);
    }

    public static final String[] ALL = {"linear", "rnn", "gru", "lstm", "mgu"};

    @Property(tries = 15)
    void bpttGradientsOfEveryCellEqualFiniteDifferences(@ForAll @IntRange(min = 1, max = 6) int in,
                                                        @ForAll @IntRange(min = 1, max = 6) int hidden,
                                                        @ForAll @IntRange(min = 1, max = 6) int batch,
                                                        @ForAll @IntRange(min = 1, max = 20) int steps,
                                                        @ForAll long seed) {
        for (String name : ALL) {
            Problem p = new Problem(cell(name, in, hidden, seed), batch, steps, seed);
            GradCheck.check(() -> p.loss(Bptt.full()), p.parameters).assertClose(TOLERANCE);
        }
    }
}
