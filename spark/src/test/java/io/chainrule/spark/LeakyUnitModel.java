package io.chainrule.spark;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.SequenceLoss;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;

import java.util.ArrayList;
import java.util.List;

/**
 * A model the library knows nothing about: a user-written cell ({@link LeakyUnit}) and a linear
 * read-out, trained to output the running mean of its inputs' first component (mean squared
 * error at every step). Sequence b of iteration i is drawn from its own seed, so any rows of a
 * batch can be made alone.
 */
final class LeakyUnitModel implements Replica {
    static final int INPUT = 3;

    private final Cell cell;
    private final OutputLayer head;
    private final List<Var> parameters = new ArrayList<>();
    private final int steps;
    private final String strategy;

    LeakyUnitModel(int hidden, int steps, String strategy, long seed) {
        this.cell = new LeakyUnit(INPUT, hidden, seed);
        this.head = new OutputLayer(hidden, 1, true, seed + 10);
        this.parameters.addAll(cell.parameters());
        this.parameters.addAll(head.parameters());
        this.steps = steps;
        this.strategy = strategy;
    }

    /** Its serializable description: what a task needs to make one. */
    record Factory(int hidden, int steps, String strategy) implements ReplicaFactory {
        @Override
        public Replica create() {
            return new LeakyUnitModel(hidden, steps, strategy, 1L);
        }
    }

    @Override
    public List<Var> parameters() {
        return parameters;
    }

    @Override
    public ShardLoss differentiate(long iteration, Shard shard, Tensor[] carried) {
        int rows = shard.rows();
        double[] x = new double[steps * rows * INPUT];
        double[] y = new double[steps * rows];
        for (int b = 0; b < rows; b++) {
            Rng rng = new Rng(iteration * 1_000_003L + shard.from() + b);
            double sum = 0;
            for (int t = 0; t < steps; t++) {
                for (int d = 0; d < INPUT; d++) {
                    x[(t * rows + b) * INPUT + d] = rng.nextDouble() - 0.5;
                }
                sum += x[(t * rows + b) * INPUT];
                y[t * rows + b] = sum / (t + 1);
            }
        }
        Tensor targets = Tensor.wrap(y, steps, rows, 1);
        State initial = carried == null ? Unroll.zeroState(cell, rows) : State.of(Var.constant(carried[0]));
        SequenceLoss sl = Unroll.loss(cell, Var.constant(Tensor.wrap(x, steps, rows, INPUT)), initial,
                (t, h) -> Losses.mse(head.apply(h), Var.constant(targets.row(t))), Bptt.parse(strategy, iteration));
        Var loss = sl.loss().mul(shard.weight());
        loss.backward();
        return new ShardLoss(loss.value().item(), new Tensor[] {sl.finalState().h().value()});
    }

    /**
     * A leaky tanh unit, written with autodiff operations only: each unit keeps a learned share of
     * its state, h' = h + α ⊙ (tanh(x Wᵀ + h Uᵀ + b) − h) with α = σ(a), one a per unit.
     */
    private static final class LeakyUnit implements Cell {
        private final Var w, u, b, a;

        LeakyUnit(int in, int hidden, long seed) {
            w = Var.param(Tensor.randn(seed, 0.4, hidden, in), "W");
            u = Var.param(Tensor.randn(seed + 1, 0.4, hidden, hidden), "U");
            b = Var.param(Tensor.randn(seed + 2, 0.4, hidden), "b");
            a = Var.param(Tensor.randn(seed + 3, 1.0, hidden), "a");
        }

        @Override
        public List<Var> parameters() {
            return List.of(w, u, b, a);
        }

        @Override
        public int inputSize() {
            return w.shape()[1];
        }

        @Override
        public int hiddenSize() {
            return w.shape()[0];
        }

        @Override
        public State step(Var x, State s, Params p) {
            Var h = s.h();
            Var n = Ops.matmul(x, false, p.get(w), true).add(Ops.matmul(h, false, p.get(u), true)).add(p.get(b)).tanh();
            return State.of(h.add(p.get(a).sigmoid().mul(n.sub(h))));
        }
    }
}
