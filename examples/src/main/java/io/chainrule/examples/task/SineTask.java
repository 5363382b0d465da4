package io.chainrule.examples.task;

import io.chainrule.autodiff.Rng;
import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Time-series prediction: B endless signals, each a sinusoid sin(ω p + φ) whose frequency
 * ω in [{@value #MIN_FREQUENCY}, {@value #MAX_FREQUENCY}) rad/step and phase change every
 * {@value #SEGMENT} steps; the model reads x_p and predicts x_{p+1} (mean squared error at every
 * step, streaming). To do better than repeating the last value it must infer the frequency from
 * what it has seen. Every sample is a fixed function of (seed, lane, position).
 */
public final class SineTask implements Task {
    static final int SEGMENT = 256;
    static final double MIN_FREQUENCY = 0.1;
    static final double MAX_FREQUENCY = 0.5;
    static final int EVAL_CHUNKS = 8;

    private final int steps;
    private final int batch;
    private final long seed;
    private List<Batch> eval;

    public SineTask(int steps, int batch, long seed) {
        this.steps = steps;
        this.batch = batch;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "sine";
    }

    @Override
    public int inputSize() {
        return 1;
    }

    @Override
    public int outputSize() {
        return 1;
    }

    @Override
    public Objective objective() {
        return Objective.REGRESSION;
    }

    @Override
    public boolean streaming() {
        return true;
    }

    @Override
    public Batch batch(long iteration) {
        return chunk(Seeds.DATA, iteration);
    }

    private Batch chunk(long purpose, long index) {
        double[] x = new double[steps * batch];
        double[][] y = new double[steps][batch];
        for (int b = 0; b < batch; b++) {
            long start = index * steps;
            for (int t = 0; t < steps; t++) {
                x[t * batch + b] = sample(purpose, b, start + t);
                y[t][b] = sample(purpose, b, start + t + 1);
            }
        }
        Tensor[] values = new Tensor[steps];
        for (int t = 0; t < steps; t++) {
            values[t] = Tensor.wrap(y[t], batch, 1);
        }
        return new Batch(Tensor.wrap(x, steps, batch, 1), null, values, Batch.allScored(steps));
    }

    /** x_p of lane b. */
    private double sample(long purpose, int lane, long p) {
        Rng rng = new Rng(Seeds.derive(seed, purpose, lane, p / SEGMENT));
        double omega = MIN_FREQUENCY + (MAX_FREQUENCY - MIN_FREQUENCY) * rng.nextDouble();
        double phi = 2 * Math.PI * rng.nextDouble();
        return Math.sin(omega * (p % SEGMENT) + phi);
    }

    @Override
    public int evalBatchCount() {
        return EVAL_CHUNKS;
    }

    @Override
    public List<Batch> evalBatches() {
        if (eval == null) {
            eval = new ArrayList<>();
            for (int k = 0; k < EVAL_CHUNKS; k++) {
                eval.add(chunk(Seeds.EVAL, k));
            }
        }
        return eval;
    }

    @Override
    public List<Metric> score(List<Batch> batches, List<Tensor[]> outputs) {
        double sum = 0;
        double sumSq = 0;
        double repeat = 0;
        long n = 0;
        for (Batch bt : batches) {
            for (int t = 0; t < bt.steps(); t++) {
                for (int b = 0; b < bt.batchSize(); b++) {
                    double y = bt.values()[t].get(b, 0);
                    double last = bt.inputs().get(t, b, 0);
                    sum += y;
                    sumSq += y * y;
                    repeat += (y - last) * (y - last);
                    n++;
                }
            }
        }
        return List.of(
                Metric.number("constant_loss", "best constant prediction (variance of the signal)", Marginal.variance(sum, sumSq, n)),
                Metric.number("repeat_loss", "repeating the last value", repeat / n));
    }

    @Override
    public String describe() {
        return "predict the next value of sinusoids whose frequency changes every " + SEGMENT + " steps ("
                + steps + " steps a batch, streaming, mean squared error)";
    }
}
