package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random step functions (random graphs of autodiff ops over a random number of state values,
 * with parameters reused at every step and random draws from {@link Rng#current()}), random T and
 * random schedules (including budgets over states only and over states and recorded steps): the checkpointed run's loss, final state and every gradient are bitwise equal
 * to storing everything, and it calls the step exactly {@link Plan#evaluations()} times.
 */
class CheckpointedChainProperties {

    /** One instruction: a new register computed from registers a and b (taken modulo the count). */
    record Instr(Kind kind, int a, int b) {
    }

    enum Kind { TANH, SIGMOID, RELU, ADD, MUL, MATMUL_W0, MATMUL_W1, ADD_BIAS, SCALE, INPUT, DROPOUT, CENTER, EXP_TANH }

    /** A step: instructions over the state registers, then each new state value from a late register. */
    record Program(int stateCount, List<Instr> instrs, boolean runningLoss) {
    }

    /** A schedule and, optionally, an outer checkpoint around the whole chain. */
    record Choice(int kind, int parameter, boolean wrapped) {
        Schedule schedule(int steps, long stateBytes) {
            int p = 1 + Math.floorMod(parameter, steps + 1);
            switch (kind) {
                case 0: return Schedule.storeAll();
                case 1: return Schedule.everyK(p);
                case 2: return Schedule.sqrtT();
                case 3: return Schedule.optimal(p);
                case 4: return Schedule.budget(p * stateBytes + Math.floorMod(parameter, (int) stateBytes), stateBytes);
                default: {
                    // a recorded step worth 1 to 6 states, and room for p of them or fewer
                    long step = stateBytes * (1 + Math.floorMod(parameter, 6));
                    return Schedule.budget(stateBytes + p * step, stateBytes, step);
                }
            }
        }
    }

    @Provide
    Arbitrary<Program> programs() {
        Arbitrary<Instr> instr = Combinators.combine(Arbitraries.of(Kind.class),
                Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 99)).as(Instr::new);
        return Combinators.combine(Arbitraries.integers().between(1, 3), instr.list().ofMinSize(1).ofMaxSize(8),
                Arbitraries.of(true, false)).as(Program::new);
    }

    @Provide
    Arbitrary<Choice> schedules() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 1000),
                Arbitraries.of(false, false, false, true)).as(Choice::new);
    }

    /** Parameters and data of one run (fresh Vars with the same values every time). */
    private static final class Model {
        final Var w0 = Var.param(Tensor.randn(1L, 0.6, 3, 3), "W0");
        final Var w1 = Var.param(Tensor.randn(2L, 0.6, 3, 3), "W1");
        final Var bias = Var.param(Tensor.randn(3L, 0.3, 3), "b");
        final Var scale = Var.param(Tensor.scalar(0.8), "c");
        final Var h0 = Var.param(Tensor.randn(4L, 1.0, 2, 3), "h0");
        final List<Var> params = List.of(w0, w1, bias, scale, h0);

        Var[] initial(Program program) {
            Var[] state = new Var[program.stateCount() + (program.runningLoss() ? 1 : 0)];
            state[0] = h0;
            for (int i = 1; i < program.stateCount(); i++) {
                state[i] = Var.constant(Tensor.randn(10L + i, 1.0, 2, 3));
            }
            if (program.runningLoss()) {
                state[state.length - 1] = Var.constant(0.0);
            }
            return state;
        }

        Step step(Program program) {
            return (state, t) -> {
                List<Var> r = new ArrayList<>();
                for (int i = 0; i < program.stateCount(); i++) {
                    r.add(state[i]);
                }
                for (Instr in : program.instrs()) {
                    Var a = r.get(in.a() % r.size());
                    Var b = r.get(in.b() % r.size());
                    r.add(apply(in.kind(), a, b, t));
                }
                Var[] next = new Var[state.length];
                for (int i = 0; i < program.stateCount(); i++) {
                    // bounded, and mixing in the old value keeps every state value on a gradient path
                    next[i] = r.get(r.size() - 1 - i % r.size()).add(state[i]).tanh();
                }
                if (program.runningLoss()) {
                    next[state.length - 1] = state[state.length - 1].add(next[0].mul(next[0]).mean());
                }
                return next;
            };
        }

        private Var apply(Kind kind, Var a, Var b, int t) {
            switch (kind) {
                case TANH: return a.tanh();
                case SIGMOID: return a.sigmoid();
                case RELU: return a.relu();
                case ADD: return a.add(b);
                case MUL: return a.mul(b);
                case MATMUL_W0: return a.prod(w0);
                case MATMUL_W1: return a.prod(w1);
                case ADD_BIAS: return a.add(bias);
                case SCALE: return a.prod(scale);
                case INPUT: return a.add(Var.constant(Tensor.randn(1000L + t, 1.0, 2, 3)));
                case DROPOUT: {
                    Tensor mask = Tensor.zeros(2, 3);
                    for (int i = 0; i < 6; i++) {
                        mask.setFlatInPlace(i, Rng.current().nextDouble() < 0.7 ? 1 / 0.7 : 0.0);
                    }
                    return a.mul(Var.constant(mask));
                }
                case CENTER: return a.sub(Ops.mean(a, new int[] {1}, true));
                case EXP_TANH: return a.tanh().exp();
                default: throw new AssertionError(kind);
            }
        }
    }

    /** Loss value, final state values and gradients of one run, and the step's call count. */
    private record Outcome(List<Tensor> values, long calls) {
    }

    private static Outcome differentiate(Program program, int steps, Schedule schedule, boolean wrapped) {
        Rng.current().setSeed(99);
        Model m = new Model();
        long[] calls = {0};
        Step step = TanhRnn.counted(m.step(program), calls);
        Var[] last = wrapped
                ? io.chainrule.autodiff.Checkpoint.apply(in -> CheckpointedChain.run(step, in, steps, schedule), m.initial(program))
                : CheckpointedChain.run(step, m.initial(program), steps, schedule);
        Var loss = last[0].sum();
        for (int i = 1; i < last.length; i++) {
            loss = loss.add(last[i].sum());
        }
        loss.backward();
        List<Tensor> values = new ArrayList<>();
        values.add(loss.value());
        for (Var v : last) {
            values.add(v.value());
        }
        for (Var p : m.params) {
            values.add(p.grad() == null ? Tensor.scalar(Double.NaN) : p.grad());
        }
        return new Outcome(values, calls[0]);
    }

    @Property(tries = 300)
    void checkpointedGradientsAreBitwiseIdenticalToStoredOnes(@ForAll("programs") Program program,
                                                              @ForAll("schedules") Choice choice,
                                                              @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 40) int steps) {
        long stateBytes = CheckpointedChain.stateBytes(new Model().initial(program));
        Schedule schedule = choice.schedule(steps, stateBytes);
        Outcome stored = differentiate(program, steps, Schedule.storeAll(), false);
        Outcome checkpointed = differentiate(program, steps, schedule, choice.wrapped());
        for (int i = 0; i < stored.values().size(); i++) {
            Tensor e = stored.values().get(i);
            Tensor a = checkpointed.values().get(i);
            int index = i;
            assertTrue(e.bitwiseEquals(a), () -> schedule + ": value " + index + " (loss, state..., grads...) differs: " + e + " vs " + a);
        }
        long planned = Planner.plan(steps, schedule).evaluations() + (choice.wrapped() ? steps : 0);
        assertEquals(planned, checkpointed.calls(), schedule::toString);
    }
}
