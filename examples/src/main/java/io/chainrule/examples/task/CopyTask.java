package io.chainrule.examples.task;

import io.chainrule.autodiff.Rng;
import io.chainrule.core.Tensor;

import java.util.List;

/**
 * Copy memory (Hochreiter and Schmidhuber 1997; Arjovsky et al. 2016): the model reads
 * {@value #LENGTH} symbols from an alphabet of {@value #ALPHABET}, then blanks, then a delimiter,
 * and must output the {@value #LENGTH} symbols, in order, over the last {@value #LENGTH} steps.
 * Cross-entropy on those steps only. Input one-hot over the alphabet, blank and delimiter.
 * The best constant prediction (uniform over the symbols) scores log 8.
 */
public final class CopyTask extends EpisodicTask {
    static final int ALPHABET = 8;
    static final int LENGTH = 5;
    static final int BLANK = ALPHABET;
    static final int DELIMITER = ALPHABET + 1;

    public CopyTask(int steps, int batch, long seed) {
        super(steps, batch, seed);
        if (steps < 2 * LENGTH + 1) {
            throw new IllegalArgumentException("the copy task needs --steps of at least " + (2 * LENGTH + 1)
                    + " (" + LENGTH + " symbols, a delimiter, " + LENGTH + " recalls), got " + steps);
        }
    }

    @Override
    public String name() {
        return "copy";
    }

    @Override
    public int inputSize() {
        return ALPHABET + 2;
    }

    @Override
    public int outputSize() {
        return ALPHABET;
    }

    @Override
    public Objective objective() {
        return Objective.CLASSIFICATION;
    }

    @Override
    Batch draw(Rng rng) {
        int d = inputSize();
        double[] x = new double[steps * batch * d];
        int[][] y = new int[steps][batch];
        boolean[] scored = new boolean[steps];
        int recallStart = steps - LENGTH;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int symbol;
                if (t < LENGTH) {
                    symbol = rng.nextInt(ALPHABET);
                    y[recallStart + t][b] = symbol;
                } else {
                    symbol = t == recallStart - 1 ? DELIMITER : BLANK;
                }
                x[(t * batch + b) * d + symbol] = 1.0;
            }
        }
        for (int t = recallStart; t < steps; t++) {
            scored[t] = true;
        }
        return new Batch(Tensor.wrap(x, steps, batch, d), y, null, scored);
    }

    @Override
    public List<Metric> score(List<Batch> batches, List<Tensor[]> outputs) {
        long[] counts = new long[ALPHABET];
        long n = 0;
        long right = 0;
        for (int k = 0; k < batches.size(); k++) {
            Batch bt = batches.get(k);
            for (int t = steps - LENGTH; t < steps; t++) {
                int[] guess = outputs.get(k)[t].argmaxLastAxis();
                for (int b = 0; b < bt.batchSize(); b++) {
                    counts[bt.classes()[t][b]]++;
                    n++;
                    right += guess[b] == bt.classes()[t][b] ? 1 : 0;
                }
            }
        }
        return List.of(
                Metric.number("constant_loss", "best constant prediction (entropy of the symbols)", Marginal.entropy(counts)),
                Metric.fraction("recall_accuracy", "symbols recalled right", (double) right / n),
                Metric.fraction("recall_chance", "symbols right by chance", 1.0 / ALPHABET));
    }

    @Override
    public String describe() {
        return "recall " + LENGTH + " symbols after " + (steps - 2 * LENGTH - 1) + " blanks and a delimiter ("
                + steps + " steps, cross-entropy on the recall steps)";
    }
}
