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
    Layout TAPED = new Taped();

    /** See {@link #TAPED}. */
    record Taped() implements Layout {
        @Override
        public List<Part> parts(int from, int length) {
            return length == 0 ? List.of() : List.of(new Part(from, length, null));
        }

        @Override
        public String toString() {
            return "all recorded";
        }
    }

    /**
     * Checkpointed segments of {@code k} steps from the start (the last may be shorter), each
     * recomputed as one taped run; the last segment is recorded directly, since its recomputation
     * would start right away (as PyTorch's {@code checkpoint_sequential} does).
     */
    record Uniform(int k) implements Layout {
        @Override
        public List<Part> parts(int from, int length) {
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
        }

        @Override
        public String toString() {
            return "segments of " + k;
        }
    }

    /**
     * Griewank's binomial schedule with {@code slots} stored states over blocks of {@code block}
     * steps (the last block may be shorter): split off the first i blocks as a checkpoint
     * (recomputed with the same number of slots), then lay out the rest with one slot fewer, until
     * one block is left, which is recorded. See {@link Revolve}. With {@code block = 1} this is
     * revolve proper, one recorded step at a time.
     */
    record Binomial(int slots, int block) implements Layout {
        @Override
        public List<Part> parts(int from, int length) {
            List<Part> parts = new ArrayList<>();
            int at = from;
            int end = from + length;
            int blocks = (int) ((length + (long) block - 1) / block);
            int s = slots;
            while (blocks > 1) {
                int i = Revolve.split(blocks, s);
                int steps = i * block; // i < blocks: whole blocks
                parts.add(new Part(at, steps, new Binomial(s, block)));
                at += steps;
                blocks -= i;
                s--;
            }
            if (end > at) {
                parts.add(new Part(at, end - at, null));
            }
            return parts;
        }

        @Override
        public String toString() {
            return "binomial with " + slots + " slots" + (block == 1 ? "" : " over blocks of " + block);
        }
    }
}
