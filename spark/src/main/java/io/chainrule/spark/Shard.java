package io.chainrule.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Shard {@code index} of {@code count} of a global batch of {@code batch} sequences: the rows
 * {@code [from, to)}. {@link #split} cuts a batch into shards whose sizes differ by at most one,
 * in row order: shard k holds rows {@code [⌊k·B/n⌋, ⌊(k+1)·B/n⌋)}.
 */
public record Shard(int index, int count, int from, int to, int batch) implements Serializable {

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + " of " + count + " does not exist");
        }
        if (from < 0 || to > batch || from >= to) {
            throw new IllegalArgumentException("shard " + index + ": rows [" + from + ", " + to + ") of a batch of "
                    + batch + " sequences");
        }
    }

    /**
     * The {@code count} shards of a batch of {@code batch} sequences, in order.
     *
     * @throws IllegalArgumentException if {@code count < 1} or {@code count > batch} (a shard needs a sequence)
     */
    public static List<Shard> split(int count, int batch) {
        if (count < 1 || count > batch) {
            throw new IllegalArgumentException("cannot split a batch of " + batch + " sequences into " + count
                    + " shards: each shard needs at least one sequence (shards must be between 1 and the batch size)");
        }
        List<Shard> shards = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            shards.add(new Shard(k, count, (int) ((long) k * batch / count), (int) ((long) (k + 1) * batch / count), batch));
        }
        return shards;
    }

    /** The number of sequences in this shard, {@code to - from}. */
    public int rows() {
        return to - from;
    }

    /**
     * This shard's share of the batch, {@code rows() / batch}: the weight of its mean loss in the
     * batch's mean loss (Σ over shards of weight · shard mean = batch mean).
     */
    public double weight() {
        return (double) rows() / batch;
    }
}
