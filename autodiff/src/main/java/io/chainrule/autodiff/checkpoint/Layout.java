package io.chainrule.autodiff.checkpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * How a range of steps is cut into parts when it runs with recording on. Layouts are expanded
 * lazily, one level at a time: the executor expands a checkpoint's inner layout only when the
 * checkpoint is recomputed, and the planner walks the same expansion, so the two cannot disagree.
 */
interface Layout {

    /** The parts covering {@code [from, from + length)}, in order. */
    List<Part> parts(int from, int length);

    /** Every step recorded: one taped part. */
    Layout TAPED = (from, length) -> length == 0 ? List.of() : List.of(new Part(from, length, null));

    /**
     * Checkpointed segments of {@code k} steps from the start (the last may be shorter), each
     * recomputed as one taped run; the last segment is recorded directly, since its recomputation
     * would start right away (as PyTorch's {@code checkpoint_sequential} does).
     */
    static Layout uniform(int k) {
        return (from, length) -> {
            List<Part> parts = new ArrayList<>();
            int at = from;
            int end = from + length;
            while (end - at > k) {
                parts.add(new Part(at, k, TAPED));
                at += k;
            }
            if (end > at) {
                parts.add(new Part(at, end - at, null));
            }
            return parts;
        };
    }

    /**
     * Griewank's binomial schedule with {@code slots} stored states: split off the first i steps
     * as a checkpoint (recomputed with the same number of slots), then lay out the rest with one
     * slot fewer, until one step is left, which is taped. See {@link Revolve}.
     */
    static Layout binomial(int slots) {
        return (from, length) -> {
            List<Part> parts = new ArrayList<>();
            int at = from;
            int rest = length;
            int s = slots;
            while (rest > 1) {
                int i = Revolve.split(rest, s);
                parts.add(new Part(at, i, binomial(s)));
                at += i;
                rest -= i;
                s--;
            }
            if (rest == 1) {
                parts.add(new Part(at, 1, null));
            }
            return parts;
        };
    }
}
