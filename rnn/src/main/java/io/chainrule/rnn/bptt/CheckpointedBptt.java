package io.chainrule.rnn.bptt;

import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.CheckpointedChain;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.autodiff.checkpoint.Step;
import io.chainrule.rnn.State;

/**
 * Full BPTT with activations recomputed instead of stored, per a checkpoint {@link Schedule}
 * (every k steps, √T segments, the optimal binomial schedule for s stored states, or a memory
 * budget). The carry (state parts and the running loss) is the chain's state. Gradients are
 * bitwise identical to {@link Bptt#full()}; only memory and the number of step evaluations change
 * ({@link io.chainrule.autodiff.checkpoint.Planner#plan} predicts both).
 */
final class CheckpointedBptt implements BpttStrategy {
    private final Schedule schedule;

    CheckpointedBptt(Schedule schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException("checkpoint schedule must not be null");
        }
        this.schedule = schedule;
    }

    Schedule schedule() {
        return schedule;
    }

    @Override
    public Carry unroll(Chain chain, Carry start, int steps) {
        int parts = start.state().size();
        Step step = (flat, t) -> flatten(chain.step(t, unflatten(flat, parts)));
        return unflatten(CheckpointedChain.run(step, flatten(start), steps, schedule), parts);
    }

    private static Var[] flatten(Carry c) {
        Var[] s = c.state().parts();
        Var[] flat = new Var[s.length + 1];
        System.arraycopy(s, 0, flat, 0, s.length);
        flat[s.length] = c.lossSum();
        return flat;
    }

    private static Carry unflatten(Var[] flat, int parts) {
        Var[] s = new Var[parts];
        System.arraycopy(flat, 0, s, 0, parts);
        return new Carry(State.of(s), flat[parts]);
    }

    @Override
    public String name() {
        return "checkpoint:" + schedule;
    }
}
