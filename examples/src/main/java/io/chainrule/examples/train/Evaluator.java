package io.chainrule.examples.train;

import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.examples.model.Model;
import io.chainrule.examples.task.Batch;
import io.chainrule.examples.task.Metric;
import io.chainrule.examples.task.Task;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model over a task's held-out batches without recording a graph (state carried from
 * chunk to chunk for streaming tasks; dropout off) and scores it: the held-out loss, computed exactly as in
 * training, then the task's own scores and baselines. The inputs are cast to the model's dtype; a
 * one-direction model reads each batch a chunk of steps at a time ({@link Unroll#defaultChunkSteps}),
 * so that only the outputs, not the states and input projections of a long sequence, are held.
 */
public final class Evaluator {
    private Evaluator() {
    }

    public static List<Metric> evaluate(Task task, Model model) {
        List<Batch> batches = task.evalBatches();
        List<Tensor[]> outputs = new ArrayList<>();
        double[] loss = new double[2];   // the sum of the scored steps' losses, and their number
        try (NoGrad scope = NoGrad.enter()) {
            State state = null;
            for (Batch b : batches) {
                Tensor x = b.inputs().cast(model.dtype());
                Tensor[] out = new Tensor[b.steps()];
                if (model.bidirectional()) {
                    Var[] hs = Ops.unstack(model.network().apply(Var.constant(x), null, Bptt.full()).outputs(), 0);
                    for (int t = 0; t < b.steps(); t++) {
                        score(task, model, b, t, hs[t], out, loss);
                    }
                } else {
                    if (state == null || !task.streaming()) {
                        state = Unroll.zeroState(model.cell(), b.batchSize());
                    }
                    int chunk = Unroll.defaultChunkSteps(b.steps(), b.batchSize());
                    for (int from = 0; from < b.steps(); from += chunk) {
                        int to = Math.min(b.steps(), from + chunk);
                        List<State> states = Unroll.states(model.cell(), Var.constant(x.slice(0, from, to)), state);
                        for (int t = from; t < to; t++) {
                            score(task, model, b, t, states.get(t - from).h(), out, loss);
                        }
                        state = states.get(to - from - 1);
                    }
                }
                outputs.add(out);
            }
        }
        List<Metric> metrics = new ArrayList<>();
        metrics.add(Metric.number("loss", "held-out loss (" + StepLosses.describe(task.objective()) + ")", loss[0] / loss[1]));
        metrics.addAll(task.score(batches, outputs));
        return metrics;
    }

    /** The output of step t from its hidden state h into {@code out[t]}, and its loss into {@code loss} if it is scored. */
    private static void score(Task task, Model model, Batch b, int t, Var h, Tensor[] out, double[] loss) {
        Var o = model.output().apply(h);
        out[t] = o.value();
        if (b.scored()[t]) {
            loss[0] += StepLosses.at(task.objective(), b, t, o).value().item();
            loss[1]++;
        }
    }
}
