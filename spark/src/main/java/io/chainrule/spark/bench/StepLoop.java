package io.chainrule.spark.bench;

import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.optim.Adam;
import io.chainrule.autodiff.optim.Clip;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Task;
import io.chainrule.examples.train.GradientStep;
import io.chainrule.examples.train.TrainConfig;
import io.chainrule.rnn.State;

import java.util.Arrays;
import java.util.List;

/**
 * The trainer's iteration without its files: carried state, the gradient step, clipping, Adam.
 * Times each iteration after a warm-up.
 */
final class StepLoop {
    private final TrainConfig config;
    private final Task task;
    private final List<Var> parameters;
    private final Adam adam;
    private final GradientStep gradients;
    private State carry;
    private long iteration;

    StepLoop(TrainConfig config, Task task, Model model, GradientStep gradients) {
        this.config = config;
        this.task = task;
        this.parameters = List.copyOf(model.parameters().values());
        this.adam = Adam.builder(config.lr()).build(parameters);
        this.gradients = gradients;
    }

    /** Runs {@code warmup} untimed then {@code timed} timed iterations; returns the median milliseconds of the timed ones. */
    double medianMillis(int warmup, int timed) {
        double[] ms = new double[timed];
        for (int k = 0; k < warmup + timed; k++) {
            long t0 = System.nanoTime();
            step();
            if (k >= warmup) {
                ms[k - warmup] = (System.nanoTime() - t0) / 1e6;
            }
        }
        if (timed == 0) {
            return Double.NaN;
        }
        Arrays.sort(ms);
        return timed % 2 == 1 ? ms[timed / 2] : (ms[timed / 2 - 1] + ms[timed / 2]) / 2;
    }

    private void step() {
        State carried = task.streaming() && carry != null && !task.restartsStream(iteration) ? carry : null;
        adam.zeroGrad();
        GradientStep.Outcome o = gradients.compute(iteration, carried);
        carry = task.streaming() ? o.finalState() : null;
        Clip.clipGradNorm(parameters, config.clip() > 0 ? config.clip() : Double.POSITIVE_INFINITY);
        adam.step();
        iteration++;
    }
}
