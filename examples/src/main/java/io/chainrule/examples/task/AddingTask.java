package io.chainrule.examples.task;

import io.chainrule.autodiff.Rng;
import io.chainrule.core.Tensor;

import java.util.List;

/**
 * The adding problem (Hochreiter and Schmidhuber 1997): each step's input is a value uniform in
 * [0, 1) and a marker; exactly two steps are marked, one in each half of the sequence; after the
 * last step the model must output the sum of the two marked values. Mean squared error on the last
 * step only. The best constant prediction (1) scores the variance of the sum, 1/6.
 */
public final class AddingTask extends EpisodicTask {

    public AddingTask(int steps, int batch, long seed) {
        super(steps, batch, seed);
        if (steps < 2) {
            throw new IllegalArgumentException("the adding problem needs at least 2 steps, got --steps " + steps);
        }
    }

    @Override
    public String name() {
        return "adding";
    }

    @Override
    public int inputSize() {
        return 2;
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
    Batch draw(Rng rng) {
        double[] x = new double[steps * batch * 2];
        double[] sum = new double[batch];
        int half = steps / 2;
        for (int b = 0; b < batch; b++) {
            int first = rng.nextInt(half);
            int second = half + rng.nextInt(steps - half);
            for (int t = 0; t < steps; t++) {
                double v = rng.nextDouble();
                int at = (t * batch + b) * 2;
                x[at] = v;
                if (t == first || t == second) {
                    x[at + 1] = 1.0;
                    sum[b] += v;
                }
            }
        }
        Tensor[] y = new Tensor[steps];
        boolean[] scored = new boolean[steps];
        for (int t = 0; t < steps; t++) {
            y[t] = Tensor.zeros(batch, 1);
        }
        y[steps - 1] = Tensor.wrap(sum, batch, 1);
        scored[steps - 1] = true;
        return new Batch(Tensor.wrap(x, steps, batch, 2), null, y, scored);
    }

    @Override
    public List<Metric> score(List<Batch> batches, List<Tensor[]> outputs) {
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        long close = 0;
        for (int k = 0; k < batches.size(); k++) {
            Tensor target = batches.get(k).values()[steps - 1];
            Tensor out = outputs.get(k)[steps - 1];
            for (int b = 0; b < target.dim(0); b++) {
                double y = target.get(b, 0);
                sum += y;
                sumSq += y * y;
                n++;
                if (Math.abs(out.get(b, 0) - y) < 0.04) {
                    close++;
                }
            }
        }
        return List.of(
                Metric.number("constant_loss", "best constant prediction (variance of the sum)", Marginal.variance(sum, sumSq, n)),
                Metric.fraction("within_0.04", "sums predicted within 0.04", (double) close / n));
    }

    @Override
    public String describe() {
        return "add the two marked values among " + steps + " uniform ones (mean squared error on the last step)";
    }
}
