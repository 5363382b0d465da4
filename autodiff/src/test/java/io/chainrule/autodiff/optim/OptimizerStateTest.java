package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.chainrule.autodiff.optim.SgdTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving and resuming (bitwise), and the all-or-nothing behaviour of step and loadState. */
class OptimizerStateTest {

    /**
     * The least-squares problem plus a third parameter {@code u} that only takes part in the loss
     * (through 0.1·Σu²) at even step counts, so it has no gradient at odd ones.
     */
    private static final class Run {
        final LeastSquares problem;
        final Var u;
        final Optimizer opt;

        Run(Tensor w, Tensor c, Tensor u, Function<List<Var>, Optimizer> make) {
            problem = new LeastSquares(w, c);
            this.u = Var.param(u, "u");
            opt = make.apply(List.of(problem.w, problem.c, this.u));
        }

        void steps(int n) {
            for (int s = 0; s < n; s++) {
                opt.zeroGrad();
                Var loss = problem.loss();
                if (opt.stepCount() % 2 == 0) {
                    loss = Ops.add(loss, Ops.scale(Ops.sum(Ops.square(u)), 0.1));
                }
                loss.backward();
                opt.step();
            }
        }

        /** The parameters' current values (the live tensors, updated by later steps). */
        List<Tensor> values() {
            return List.of(problem.w.value(), problem.c.value(), u.value());
        }

        /** A run over copies of this run's current values, with a new optimizer from {@code make}. */
        Run copy(Function<List<Var>, Optimizer> make) {
            return new Run(problem.w.value().copy(), problem.c.value().copy(), u.value().copy(), make);
        }
    }

    private static Run fresh(Function<List<Var>, Optimizer> make) {
        return new Run(Tensor.vector(0.1, 0.2, 0.3), Tensor.scalar(-0.4), Tensor.vector(1.0, -2.0), make);
    }

    private static void assertResumesBitwise(Function<List<Var>, Optimizer> make) {
        Run straight = fresh(make);
        straight.steps(11);

        Run first = fresh(make);
        first.steps(5);
        Map<String, Tensor> saved = first.opt.state();
        Run resumed = first.copy(make);
        first.steps(3); // keeps going after saving: the snapshot must not change

        resumed.opt.loadState(saved);
        assertEquals(5, resumed.opt.stepCount());
        resumed.steps(6);

        for (int i = 0; i < 3; i++) {
            Tensor want = straight.values().get(i);
            Tensor got = resumed.values().get(i);
            assertTrue(got.bitwiseEquals(want), "parameter " + i + ": resumed " + got + " vs uninterrupted " + want);
        }
        assertStatesBitwiseEqual(straight.opt.state(), resumed.opt.state());
        // the run did something: u was skipped at odd steps, so its count is behind
        assertEquals(11.0, resumed.opt.state().get("step.0").item());
        assertEquals(6.0, resumed.opt.state().get("step.2").item());
    }

    @Test
    void adamResumedFromItsStateMatchesAnUninterruptedRunBitwise() {
        assertResumesBitwise(ps -> Adam.builder(0.05).weightDecay(0.01).build(ps));
    }

    @Test
    void sgdResumedFromItsStateMatchesAnUninterruptedRunBitwise() {
        assertResumesBitwise(ps -> Sgd.builder(0.05).momentum(0.9).nesterov(true).weightDecay(0.01).build(ps));
        assertResumesBitwise(ps -> new Sgd(ps, 0.1));
    }

    @Test
    void resumingWithoutTheStateDoesNotMatch() {
        // the oracle above can fail: dropping the moments changes the trajectory
        Function<List<Var>, Optimizer> make = ps -> new Adam(ps, 0.05);
        Run straight = fresh(make);
        straight.steps(8);
        Run first = fresh(make);
        first.steps(4);
        Run restarted = first.copy(make);
        restarted.steps(4);
        assertFalse(restarted.values().get(0).bitwiseEquals(straight.values().get(0)));
    }

    @Test
    void stateHasTheDocumentedKeys() {
        Var a = Var.param(Tensor.vector(1, 2), "a");
        Var b = Var.param(Tensor.scalar(3), "b");
        Adam adam = new Adam(List.of(a, b), 0.1);
        assertEquals(List.of("step"), List.copyOf(adam.state().keySet()));
        assertEquals(0.0, adam.state().get("step").item());
        a.setGrad(Tensor.vector(1, 1));
        adam.step();
        assertEquals(List.of("step", "step.0", "exp_avg.0", "exp_avg_sq.0"), List.copyOf(adam.state().keySet()));
        assertEquals(0, adam.state().get("step").rank());
        assertTrue(adam.state().get("exp_avg.0").hasShape(2));

        Sgd plain = new Sgd(List.of(a, b), 0.1);
        plain.step();
        assertEquals(List.of("step", "step.0"), List.copyOf(plain.state().keySet()));
        Sgd momentum = Sgd.builder(0.1).momentum(0.5).build(List.of(a, b));
        momentum.step();
        assertEquals(List.of("step", "step.0", "momentum_buffer.0"), List.copyOf(momentum.state().keySet()));
    }

    @Test
    void loadStateCopiesItsInput() {
        Var p = Var.param(Tensor.scalar(1.0));
        Sgd opt = Sgd.builder(0.1).momentum(0.9).build(List.of(p));
        p.setGrad(Tensor.scalar(1.0));
        opt.step();
        Map<String, Tensor> state = new HashMap<>(opt.state());
        Sgd other = Sgd.builder(0.1).momentum(0.9).build(List.of(p));
        other.loadState(state);
        state.get("momentum_buffer.0").fillInPlace(42);
        assertEquals(1.0, other.state().get("momentum_buffer.0").item());
    }

    @Test
    void aRejectedNonFiniteGradientChangesNothing() {
        Var a = Var.param(Tensor.vector(1, 2), "a");
        Var b = Var.param(Tensor.vector(3, 4), "b");
        Adam opt = Adam.builder(0.1).rejectNonFinite(true).build(List.of(a, b));
        a.setGrad(Tensor.vector(0.5, 0.5));
        b.setGrad(Tensor.vector(0.5, 0.5));
        opt.step();
        Map<String, Tensor> stateBefore = opt.state();
        Tensor aBefore = a.value().copy();
        Tensor bBefore = b.value().copy();

        // a comes first and is fine; b is not: a must not have moved either
        b.setGrad(Tensor.vector(0.5, Double.NaN));
        ArithmeticException e = assertThrows(ArithmeticException.class, opt::step);
        assertTrue(e.getMessage().contains("'b' (parameter 1)") && e.getMessage().contains("NaN")
                && e.getMessage().contains("flat index 1"), e.getMessage());
        assertTrue(a.value().bitwiseEquals(aBefore));
        assertTrue(b.value().bitwiseEquals(bBefore));
        assertStatesBitwiseEqual(stateBefore, opt.state());
        assertEquals(1, opt.stepCount());

        b.setGrad(Tensor.vector(Double.NEGATIVE_INFINITY, 0));
        assertThrows(ArithmeticException.class, opt::step);
        assertEquals(1, opt.stepCount());
    }

    @Test
    void withoutRejectionNonFiniteGradientsFlowIntoTheParameters() {
        Var a = Var.param(Tensor.vector(1, 2));
        Sgd opt = new Sgd(List.of(a), 0.1);
        a.setGrad(Tensor.vector(Double.NaN, 0));
        opt.step();
        assertTrue(Double.isNaN(a.value().getFlat(0)));
        assertEquals(2.0, a.value().getFlat(1));
    }

    @Test
    void aRejectedStateChangesNothingAndNamesTheKey() {
        Var a = Var.param(Tensor.vector(1, 2), "a");
        Var b = Var.param(Tensor.scalar(3), "b");
        Adam opt = new Adam(List.of(a, b), 0.1);
        a.setGrad(Tensor.vector(1, 1));
        b.setGrad(Tensor.scalar(1));
        opt.step();
        opt.step();
        Map<String, Tensor> good = opt.state();

        assertRejected(opt, with(good, "exp_avg.0", Tensor.vector(1, 2, 3)), "'exp_avg.0'", "[2]", "[3]", "'a'");
        assertRejected(opt, with(good, "exp_avg.2", Tensor.zeros(2)), "unknown key 'exp_avg.2'", "[0, 2)");
        assertRejected(opt, with(good, "momentum_buffer.0", Tensor.zeros(2)), "unknown key 'momentum_buffer.0'");
        assertRejected(opt, with(good, "exp_avg.01", Tensor.zeros(2)), "unknown key 'exp_avg.01'");
        assertRejected(opt, with(good, "step", null), "missing key 'step'");
        assertRejected(opt, with(good, "step", Tensor.scalar(1.5)), "'step'", "integer", "1.5");
        assertRejected(opt, with(good, "step", Tensor.scalar(-1)), "'step'", "-1.0");
        assertRejected(opt, with(good, "step", Tensor.vector(2)), "'step'", "rank-0");
        assertRejected(opt, with(good, "step.1", Tensor.scalar(3)), "'step.1'", "[1, 2]", "3.0");
        assertRejected(opt, with(good, "exp_avg_sq.1", null), "'exp_avg_sq.1'");
        assertRejected(opt, with(good, "step.1", null), "'step.1' is missing");
        assertRejected(opt, null, "state must not be null");

        // after all that, the state is still the one from before
        assertStatesBitwiseEqual(good, opt.state());
        // and a good state loads
        opt.loadState(good);
        assertStatesBitwiseEqual(good, opt.state());
    }

    private static void assertRejected(Optimizer opt, Map<String, Tensor> state, String... parts) {
        Map<String, Tensor> before = opt.state();
        assertMessage(() -> opt.loadState(state), parts);
        assertStatesBitwiseEqual(before, opt.state());
    }

    /** {@code base} with {@code key} set to {@code value}, or removed when value is null. */
    private static Map<String, Tensor> with(Map<String, Tensor> base, String key, Tensor value) {
        Map<String, Tensor> m = new HashMap<>(base);
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return m;
    }

    static void assertStatesBitwiseEqual(Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            assertTrue(got.get(k).bitwiseEquals(want.get(k)), () -> k + ": " + got.get(k) + " vs " + want.get(k));
        }
    }
}
