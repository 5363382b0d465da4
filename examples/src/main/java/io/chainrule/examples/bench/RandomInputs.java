package io.chainrule.examples.bench;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.SequenceSource;

/**
 * A benchmark's inputs as a {@link SequenceSource}: N(0, 1) values drawn from a seed for the first
 * P steps, {@code P = min(T, max(1, ⌊2^22 / (B·D)⌋))} (at most 32 MiB of float64), then step t
 * reads step {@code t mod P}. A sequence of at most P steps is exactly
 * {@code Tensor.randn(seed, 1, T, B, D)} cast to the dtype; a longer one is never held whole. A
 * chunk is a view of the drawn steps when it does not wrap around (always, when P is a multiple of
 * the unroll's chunk length), a copy when it does; asked again for the same steps (a recomputed
 * chunk), it gives the same values. Timing does not depend on the values, so repeating them after
 * P steps changes no measurement.
 */
public final class RandomInputs implements SequenceSource {
    /** The most input elements drawn: 2^22 (32 MiB of float64). */
    public static final long MAX_DRAWN = 1L << 22;

    private final int steps;
    private final Tensor drawn;

    public RandomInputs(int steps, int batch, int inputSize, long seed, DType dtype) {
        if (steps <= 0 || batch <= 0 || inputSize <= 0) {
            throw new IllegalArgumentException("inputs need positive sizes, got T = " + steps + ", B = " + batch
                    + ", D = " + inputSize);
        }
        this.steps = steps;
        this.drawn = Tensor.randn(seed, 1.0, period(steps, batch, inputSize), batch, inputSize).cast(dtype);
    }

    /** P: the steps drawn for a sequence of {@code steps} steps of B·D inputs. */
    public static int period(int steps, int batch, int inputSize) {
        return (int) Math.min(steps, Math.max(1, MAX_DRAWN / ((long) batch * inputSize)));
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public int batch() {
        return drawn.dim(1);
    }

    @Override
    public int inputSize() {
        return drawn.dim(2);
    }

    @Override
    public Tensor inputs(int from, int to) {
        if (from < 0 || to > steps || from >= to) {
            throw new IllegalArgumentException("steps [" + from + ", " + to + ") of a sequence of " + steps);
        }
        int p = drawn.dim(0);
        int start = from % p;
        if (start + (to - from) <= p) {
            return drawn.slice(0, start, start + (to - from));
        }
        Tensor[] parts = new Tensor[(to - from - (p - start) + p - 1) / p + 1];
        parts[0] = drawn.slice(0, start, p);
        int t = from + (p - start);
        for (int k = 1; k < parts.length; k++) {
            int n = Math.min(p, to - t);
            parts[k] = drawn.slice(0, 0, n);
            t += n;
        }
        return Tensor.concat(0, parts);
    }
}
