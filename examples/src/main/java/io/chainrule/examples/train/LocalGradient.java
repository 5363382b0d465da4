package io.chainrule.examples.train;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.Var;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Batch;
import io.chainrule.examples.task.Objective;
import io.chainrule.examples.task.Seeds;
import io.chainrule.examples.task.Task;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.SequenceLoss;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;

/** The gradient of an iteration's whole batch, computed in this JVM (the single-process trainer's step). */
public final class LocalGradient implements GradientStep {
    private static final Var ZERO = Var.constant(0.0);

    private final TrainConfig config;
    private final Task task;
    private final Model model;
    private final StrategySpec strategy;

    public LocalGradient(TrainConfig config, Task task, Model model) {
        this.config = config;
        this.task = task;
        this.model = model;
        this.strategy = StrategySpec.parse(config.strategy());
    }

    @Override
    public Outcome compute(long iteration, State carried) {
        Batch b = task.batch(iteration);
        Rng.current().setSeed(dropoutSeed(config.seed(), iteration));   // dropout masks, like the data
        return backward(task.objective(), model, b, carried, strategy.at(config.seed(), iteration), 1.0);
    }

    /** The seed of the dropout masks of an iteration (the thread's {@link Rng} is set to it before the batch). */
    public static long dropoutSeed(long seed, long iteration) {
        return Seeds.derive(seed, Seeds.DROPOUT, iteration);
    }

    /**
     * Differentiates {@code L = weight · (1/S) Σ_{scored t} ℓ_t} over {@code batch} (S scored steps,
     * ℓ_t the step loss of {@link StepLosses}, a mean over the batch's sequences) under
     * {@code strategy}: a one-direction model unrolled from {@code initial} (null: zero), a
     * bidirectional one over each whole sequence. Backward frees the graph; the gradient is added to
     * the parameters' {@code grad()}. A shard of B_k of a global batch's B sequences, with weight
     * B_k / B, gives its share of the global loss: the shards' losses and gradients add up to the
     * batch's.
     *
     * @return L and the final state (values only; null for a bidirectional model, which carries none)
     */
    public static Outcome backward(Objective objective, Model model, Batch batch, State initial, BpttStrategy strategy,
                                   double weight) {
        StepLoss stepLoss = (t, h) -> batch.scored()[t] ? StepLosses.at(objective, batch, t, model.output().apply(h)) : ZERO;
        Var loss;
        State last = null;
        if (model.bidirectional()) {
            Var[] outputs = Ops.unstack(model.trainingNetwork().apply(Var.constant(batch.inputs()), null, strategy).outputs(), 0);
            Var sum = ZERO;
            for (int t = 0; t < batch.steps(); t++) {
                sum = sum.add(stepLoss.at(t, outputs[t]).reshape());
            }
            loss = sum.mul(weight / batch.scoredSteps());
        } else {
            Cell cell = model.trainingCell();
            SequenceLoss sl = Unroll.loss(cell, Var.constant(batch.inputs()),
                    initial != null ? initial : Unroll.zeroState(cell, batch.batchSize()), stepLoss, strategy);
            // Unroll averages over all T steps; rescale to the mean over the scored ones.
            loss = sl.loss().mul(weight * batch.steps() / batch.scoredSteps());
            last = sl.finalState().map(v -> Var.constant(v.value()));
        }
        loss.backward();
        return new Outcome(loss.value().item(), last);
    }
}
