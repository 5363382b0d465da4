package io.chainrule.examples.task;

import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Next-symbol prediction on the {@link BracketLanguage}: B endless streams read T symbols a batch
 * (streaming: the state carries over), cross-entropy at every step. The report gives the held-out
 * loss beside the loss of the best constant prediction (the entropy of the symbol frequencies)
 * and the best possible loss (the language's entropy rate), and how often the model's likeliest
 * closing bracket is the right one where a bracket closes (chance: one in three).
 */
public final class BracketsTask implements Task {
    static final int EVAL_CHUNKS = 8;

    private final int steps;
    private final int batch;
    private final long seed;
    private BracketLanguage.Stream[] lanes;   // made by the first batch, so that building the task allocates nothing
    private List<Batch> eval;
    private double[][][] evalLogProbs;   // [chunk][t][b]

    public BracketsTask(int steps, int batch, long seed) {
        this.steps = steps;
        this.batch = batch;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "brackets";
    }

    @Override
    public int inputSize() {
        return BracketLanguage.SYMBOLS.length();
    }

    @Override
    public int outputSize() {
        return BracketLanguage.SYMBOLS.length();
    }

    @Override
    public Objective objective() {
        return Objective.CLASSIFICATION;
    }

    @Override
    public boolean streaming() {
        return true;
    }

    @Override
    public Batch batch(long iteration) {
        return chunk(lanes(), 0, batch, iteration, null);
    }

    /** Reads lanes {@code from..to-1} only: each lane is its own stream. */
    @Override
    public Batch batch(long iteration, int from, int to) {
        if (from < 0 || to > batch || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a batch of " + batch + " sequences");
        }
        return chunk(lanes(), from, to, iteration, null);
    }

    private BracketLanguage.Stream[] lanes() {
        if (lanes == null) {
            lanes = new BracketLanguage.Stream[batch];
            for (int b = 0; b < batch; b++) {
                lanes[b] = new BracketLanguage.Stream(Seeds.derive(seed, Seeds.DATA, b));
            }
        }
        return lanes;
    }

    @Override
    public int evalBatchCount() {
        return EVAL_CHUNKS;
    }

    private Batch chunk(BracketLanguage.Stream[] streams, int from, int to, long index, double[][] logProbs) {
        int symbols = BracketLanguage.SYMBOLS.length();
        int rows = to - from;
        double[] x = new double[steps * rows * symbols];
        int[][] y = new int[steps][rows];
        int[] seq = new int[steps + 1];
        double[] lp = new double[steps + 1];
        for (int b = 0; b < rows; b++) {
            streams[from + b].read(index * steps, seq, logProbs == null ? null : lp);
            for (int t = 0; t < steps; t++) {
                x[(t * rows + b) * symbols + seq[t]] = 1.0;
                y[t][b] = seq[t + 1];
                if (logProbs != null) {
                    logProbs[t][b] = lp[t + 1];
                }
            }
        }
        return new Batch(Tensor.wrap(x, steps, rows, symbols), y, null, Batch.allScored(steps));
    }

    @Override
    public List<Batch> evalBatches() {
        if (eval == null) {
            BracketLanguage.Stream[] streams = new BracketLanguage.Stream[batch];
            for (int b = 0; b < batch; b++) {
                streams[b] = new BracketLanguage.Stream(Seeds.derive(seed, Seeds.EVAL, b));
            }
            eval = new ArrayList<>();
            evalLogProbs = new double[EVAL_CHUNKS][steps][batch];
            for (int k = 0; k < EVAL_CHUNKS; k++) {
                eval.add(chunk(streams, 0, batch, k, evalLogProbs[k]));
            }
        }
        return eval;
    }

    @Override
    public List<Metric> score(List<Batch> batches, List<Tensor[]> outputs) {
        evalBatches();
        long[] counts = new long[outputSize()];
        double entropyRate = 0;
        long n = 0;
        long closers = 0;
        long closersRight = 0;
        for (int k = 0; k < batches.size(); k++) {
            Batch bt = batches.get(k);
            for (int t = 0; t < bt.steps(); t++) {
                Tensor logits = outputs.get(k)[t];
                for (int b = 0; b < bt.batchSize(); b++) {
                    int target = bt.classes()[t][b];
                    counts[target]++;
                    entropyRate -= evalLogProbs[k][t][b];
                    n++;
                    if (BracketLanguage.isCloser(target)) {
                        closers++;
                        if (likeliestCloser(logits, b) == target) {
                            closersRight++;
                        }
                    }
                }
            }
        }
        return List.of(
                Metric.number("constant_loss", "best constant prediction (entropy of the symbol frequencies)", Marginal.entropy(counts)),
                Metric.number("optimal_loss", "best possible (entropy rate of the language)", entropyRate / n),
                Metric.fraction("closing_accuracy", "closing brackets predicted right", (double) closersRight / closers),
                Metric.fraction("closing_chance", "closing brackets right by chance", 1.0 / BracketLanguage.KINDS));
    }

    private static int likeliestCloser(Tensor logits, int row) {
        int best = BracketLanguage.KINDS;
        for (int c = BracketLanguage.KINDS + 1; c < 2 * BracketLanguage.KINDS; c++) {
            if (logits.get(row, c) > logits.get(row, best)) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public String describe() {
        return "predict the next symbol of nested brackets " + BracketLanguage.SYMBOLS.substring(0, 6)
                + " with filler '" + BracketLanguage.SYMBOLS.charAt(BracketLanguage.FILLER) + "' (up to "
                + BracketLanguage.MAX_DEPTH + " open at once, each for at least " + BracketLanguage.MIN_SPAN
                + " symbols), " + steps + " symbols a batch, streaming";
    }
}
