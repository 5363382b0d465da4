package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.checkpoint.Schedule;

/**
 * A strategy whose activations are recomputed instead of stored, per a checkpoint
 * {@link Schedule} (every k steps, √T segments, the optimal binomial schedule for s stored
 * states, or a memory budget), with the gradient scales of another strategy (full BPTT's for
 * {@link Bptt#checkpointed}). Gradients are bitwise those of the strategy stored; only memory and
 * the number of step evaluations change ({@link io.chainrule.autodiff.checkpoint.Planner#plan}
 * predicts both).
 */
final class CheckpointedBptt implements BpttStrategy {
    private final BpttStrategy scales;
    private final Schedule schedule;

    CheckpointedBptt(BpttStrategy scales, Schedule schedule) {
        if (scales == null) {
            throw new IllegalArgumentException("strategy must not be null");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("checkpoint schedule must not be null");
        }
        this.scales = scales;
        this.schedule = schedule;
    }

    @Override
    public double[] gradientScales(int steps) {
        return scales.gradientScales(steps);
    }

    @Override
    public Schedule recompute() {
        return schedule;
    }

    @Override
    public String name() {
        return scales == FullBptt.INSTANCE ? "checkpoint:" + schedule : scales.name() + "+checkpoint:" + schedule;
    }
}
