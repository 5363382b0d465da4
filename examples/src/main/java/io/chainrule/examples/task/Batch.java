package io.chainrule.examples.task;

import io.chainrule.core.Tensor;

/**
 * One training or evaluation batch: inputs [T, B, D] and, for each step, either class targets
 * (one per sequence, {@code classes[t][b]}) or value targets ({@code values[t]}, [B, Q]). Only
 * steps with {@code scored[t]} count in the loss (the adding problem scores its last step only).
 */
public record Batch(Tensor inputs, int[][] classes, Tensor[] values, boolean[] scored) {

    public Batch {
        if (inputs.rank() != 3) {
            throw new IllegalArgumentException("batch inputs must be [T, B, D]");
        }
        int steps = inputs.dim(0);
        if ((classes == null) == (values == null)) {
            throw new IllegalArgumentException("a batch has either class or value targets");
        }
        if (scored.length != steps || (classes != null ? classes.length : values.length) != steps) {
            throw new IllegalArgumentException("a batch needs targets and a scored flag for each of its " + steps + " steps");
        }
    }

    public int steps() {
        return inputs.dim(0);
    }

    public int batchSize() {
        return inputs.dim(1);
    }

    /** How many steps count in the loss. */
    public int scoredSteps() {
        int n = 0;
        for (boolean s : scored) {
            n += s ? 1 : 0;
        }
        return n;
    }

    /**
     * Sequences {@code from} (inclusive) to {@code to} (exclusive) of this batch: the same steps,
     * inputs [T, to - from, D], the targets of those sequences. A data-parallel shard of the batch.
     */
    public Batch rows(int from, int to) {
        if (from < 0 || to > batchSize() || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a batch of " + batchSize() + " sequences");
        }
        Tensor x = inputs.slice(1, from, to);
        if (classes != null) {
            int[][] c = new int[classes.length][];
            for (int t = 0; t < c.length; t++) {
                c[t] = java.util.Arrays.copyOfRange(classes[t], from, to);
            }
            return new Batch(x, c, null, scored);
        }
        Tensor[] v = new Tensor[values.length];
        for (int t = 0; t < v.length; t++) {
            v[t] = values[t].slice(0, from, to);
        }
        return new Batch(x, null, v, scored);
    }

    /** Every step scored. */
    public static boolean[] allScored(int steps) {
        boolean[] s = new boolean[steps];
        java.util.Arrays.fill(s, true);
        return s;
    }
}
