package io.chainrule.examples.task;

import io.chainrule.autodiff.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * A task whose every batch is a fresh set of independent sequences (nothing carries over between
 * batches): batch i is drawn from the stream seeded with (seed, DATA, i), held-out batch k from
 * (seed, EVAL, k).
 */
abstract class EpisodicTask implements Task {
    static final int EVAL_BATCHES = 4;

    final int steps;
    final int batch;
    private final long seed;
    private List<Batch> eval;

    EpisodicTask(int steps, int batch, long seed) {
        this.steps = steps;
        this.batch = batch;
        this.seed = seed;
    }

    /** A batch of {@code batch} sequences of {@code steps} steps drawn from {@code rng}. */
    abstract Batch draw(Rng rng);

    @Override
    public final boolean streaming() {
        return false;
    }

    @Override
    public final Batch batch(long iteration) {
        return draw(new Rng(Seeds.derive(seed, Seeds.DATA, iteration)));
    }

    @Override
    public final int evalBatchCount() {
        return EVAL_BATCHES;
    }

    @Override
    public final List<Batch> evalBatches() {
        if (eval == null) {
            eval = new ArrayList<>();
            for (int k = 0; k < EVAL_BATCHES; k++) {
                eval.add(draw(new Rng(Seeds.derive(seed, Seeds.EVAL, k))));
            }
        }
        return eval;
    }
}
