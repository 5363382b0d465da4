package io.chainrule.examples.train;

import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.optim.Adam;
import io.chainrule.autodiff.optim.Clip;
import io.chainrule.autodiff.optim.Optimizer;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.plot.LossPlot;
import io.chainrule.examples.task.Seeds;
import io.chainrule.examples.task.Task;
import io.chainrule.rnn.State;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The training loop. Each iteration: the task's batch for that iteration; the initial state is the
 * state carried from the previous batch (streaming tasks; its value only, the gradient path cut)
 * or zero; the loss unrolled under the BPTT strategy and differentiated by the {@link GradientStep}
 * ({@link LocalGradient} unless another is given; backward frees the saved activations, so no
 * graph outlives the iteration); global-norm clipping ({@link Clip}); an {@link Adam} step. Every
 * {@code saveEvery} iterations and at the end it saves a checkpoint, metrics.csv and loss.png. A
 * run that diverges ({@link Divergence}) stops there with an IllegalStateException, saving nothing
 * after its last checkpoint.
 *
 * <p>Everything an iteration depends on is either in the checkpoint (parameters, Adam's state,
 * the carried state) or a fixed function of (seed, iteration) (the batch, the random truncation
 * draws), so a resumed run ends bitwise equal to an uninterrupted one.
 */
public final class Trainer {
    private final TrainConfig config;
    private final Task task;
    private final Model model;
    private final List<Var> parameters;
    private final Optimizer adam;
    private final StrategySpec strategy;
    private final GradientStep gradients;
    private final RunFiles files;
    private final List<TrainingListener> listeners;
    private final List<MetricsRow> rows = new ArrayList<>();
    private long iteration;
    private long saved;             // the iteration of the last checkpoint on disk (0: none)
    private double secondsBefore;
    private State carry;

    public Trainer(TrainConfig config, Task task, Model model, RunFiles files, List<TrainingListener> listeners) {
        this(config, task, model, files, listeners, new LocalGradient(config, task, model));
    }

    /** A trainer whose iterations take their gradients from {@code gradients} (e.g. computed on a cluster). */
    public Trainer(TrainConfig config, Task task, Model model, RunFiles files, List<TrainingListener> listeners,
                   GradientStep gradients) {
        this.config = config;
        this.task = task;
        this.model = model;
        this.parameters = List.copyOf(model.parameters().values());
        this.adam = Adam.builder(config.lr()).betas(TrainConfig.ADAM_BETA1, TrainConfig.ADAM_BETA2)
                .eps(TrainConfig.ADAM_EPS).build(parameters);
        this.strategy = StrategySpec.parse(config.strategy());
        this.files = files;
        this.listeners = listeners;
        this.gradients = gradients;
    }

    /** Continues from {@code c}; {@code history} are the metrics rows up to its iteration. */
    public void restore(Checkpoint c, List<MetricsRow> history) {
        try {
            model.load(c.parameters());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(files.model() + ": " + e.getMessage(), e);
        }
        try {
            adam.loadState(c.optimizerState());
            checkCarry(c.carry());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(files.optimizer(c.iteration()) + ": " + e.getMessage(), e);
        }
        iteration = c.iteration();
        saved = c.iteration();
        secondsBefore = c.seconds();
        if (c.carry().length > 0) {
            Var[] parts = new Var[c.carry().length];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Var.constant(c.carry()[i]);
            }
            carry = State.of(parts);
        }
        for (MetricsRow r : history) {
            if (r.iteration() <= iteration) {
                rows.add(r);
            }
        }
    }

    /** The carried state must be what this run's cell carries: its parts, each [batch, hidden]; none for an episodic task. */
    private void checkCarry(Tensor[] carry) {
        int parts = task.streaming() ? model.cell().stateParts() : 0;
        if (carry.length != 0 && carry.length != parts) {
            throw new IllegalArgumentException("the carried state has " + carry.length + " parts, but a " + model.cellName()
                    + " on the " + task.name() + " task carries " + parts);
        }
        for (int i = 0; i < carry.length; i++) {
            if (!carry[i].hasShape(config.batch(), config.hidden())) {
                throw new IllegalArgumentException("tensor 'carry." + i + "' has shape " + Shape.format(carry[i].shape())
                        + ", not [" + config.batch() + ", " + config.hidden() + "] (batch, hidden)");
            }
        }
    }

    public long iteration() {
        return iteration;
    }

    public List<MetricsRow> rows() {
        return rows;
    }

    /** Trains up to {@code config.iterations()}. */
    public void run() throws IOException {
        long total = config.iterations();
        long started = System.nanoTime();
        listeners.forEach(l -> l.started(iteration, total, (long) config.steps() * config.batch()));
        while (iteration < total) {
            StepResult r = step(iteration);
            iteration++;
            double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
            rows.add(new MetricsRow(iteration, r.loss(), r.gradNorm(), seconds));
            for (TrainingListener l : listeners) {
                l.iteration(iteration, total, r.loss(), seconds);
            }
            String diverged = Divergence.check(rows);
            if (diverged != null) {
                throw new IllegalStateException(diverged + "; try a smaller --lr (this run's: " + config.lr()
                        + ") or gradient clipping (--clip, this run's: " + (config.clip() > 0 ? config.clip() : "off") + "); "
                        + (saved > 0 ? "the checkpoint of iteration " + saved + " is kept" : "nothing was saved"));
            }
            if (iteration % config.saveEvery() == 0 || iteration == total) {
                save(seconds);
            }
        }
        listeners.forEach(TrainingListener::finished);
    }

    /** The training loss of an iteration and the gradient norm before clipping. */
    private record StepResult(double loss, double gradNorm) {
    }

    private StepResult step(long i) {
        State carried = task.streaming() && carry != null && !task.restartsStream(i) ? carry : null;
        adam.zeroGrad();
        GradientStep.Outcome o = gradients.compute(i, carried);
        carry = task.streaming() ? o.finalState() : null;
        // --clip 0 turns clipping off: an infinite bound only measures the norm.
        double norm = Clip.clipGradNorm(parameters, config.clip() > 0 ? config.clip() : Double.POSITIVE_INFINITY);
        if (Double.isFinite(norm)) {
            adam.step();   // a non-finite norm is not stepped on: run() stops there
        }
        return new StepResult(o.loss(), norm);
    }

    private void save(double seconds) throws IOException {
        Tensor[] carried = new Tensor[carry == null ? 0 : carry.size()];
        for (int k = 0; k < carried.length; k++) {
            carried[k] = carry.get(k).value();
        }
        // Metrics first: rows past the checkpoint a crash leaves behind are dropped on resume.
        MetricsCsv.write(files.metrics(), rows);
        files.save(new Checkpoint(iteration, seconds, model.values(), adam.state(), carried),
                Map.of("task", task.name(), "cell", model.cellName()));
        saved = iteration;
        plot(List.of());
        for (TrainingListener l : listeners) {
            l.saved(iteration);
        }
    }

    /** Redraws loss.png from the rows so far, with reference lines. */
    public void plot(List<LossPlot.Reference> references) throws IOException {
        long[] its = new long[rows.size()];
        double[] losses = new double[rows.size()];
        for (int k = 0; k < rows.size(); k++) {
            its[k] = rows.get(k).iteration();
            losses[k] = rows.get(k).loss();
        }
        LossPlot.write(files.plot(), task.name() + ", " + model.cellName() + config.architecture().describe() + " H=" + config.hidden() + ", "
                + strategy + " BPTT", "training loss (" + StepLosses.describe(task.objective()) + ")", its, losses, references);
    }

    /** The seed of the model's initial parameters in a run seeded {@code seed}. */
    public static long modelSeed(long seed) {
        return Seeds.derive(seed, Seeds.MODEL);
    }
}
