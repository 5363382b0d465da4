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
 * training, then the task's own scores and baselines.
 */
public final class Evaluator {
    private Evaluator() {
    }

    public static List<Metric> evaluate(Task task, Model model) {
        List<Batch> batches = task.evalBatches();
        List<Tensor[]> outputs = new ArrayList<>();
        double lossSum = 0;
        long scored = 0;
        try (NoGrad scope = NoGrad.enter()) {
            State state = null;
            for (Batch b : batches) {
                Var[] hs;
                if (model.bidirectional()) {
                    hs = Ops.unstack(model.network().apply(Var.constant(b.inputs()), null, Bptt.full()).outputs(), 0);
                } else {
                    if (state == null || !task.streaming()) {
                        state = Unroll.zeroState(model.cell(), b.batchSize());
                    }
                    List<State> states = Unroll.states(model.cell(), Var.constant(b.inputs()), state);
                    hs = new Var[b.steps()];
                    for (int t = 0; t < b.steps(); t++) {
                        hs[t] = states.get(t).h();
                    }
                    state = states.get(b.steps() - 1);
                }
                Tensor[] out = new Tensor[b.steps()];
                for (int t = 0; t < b.steps(); t++) {
                    Var o = model.output().apply(hs[t]);
                    out[t] = o.value();
                    if (b.scored()[t]) {
                        lossSum += StepLosses.at(task.objective(), b, t, o).value().item();
                        scored++;
                    }
                }
                outputs.add(out);
            }
        }
        List<Metric> metrics = new ArrayList<>();
        metrics.add(Metric.number("loss", "held-out loss (" + StepLosses.describe(task.objective()) + ")", lossSum / scored));
        metrics.addAll(task.score(batches, outputs));
        return metrics;
    }
}
