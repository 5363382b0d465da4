package io.chainrule.rnn.reliability;

import io.chainrule.autodiff.Anomaly;
import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.CheckpointedChain;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.autodiff.optim.Adam;
import io.chainrule.autodiff.optim.Optimizer;
import io.chainrule.autodiff.optim.Sgd;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.DriftingCell;
import io.chainrule.rnn.State;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Streaming;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A catalogue of bad input across the public API (core, autodiff, rnn): each raises a specific
 * exception type whose message names the problem (the shapes, the argument, the value, the step).
 * The file formats' hostile-input cases are in the examples module (safetensors fuzz test).
 */
class BadInputCatalogueTest {

    private record Case(String name, Class<? extends Throwable> type, Executable call, String... fragments) {
    }

    private static final StepLoss SUM = (t, h) -> h.sum();

    private static Var x(int... shape) {
        return Var.constant(Tensor.zeros(shape));
    }

    private static List<Case> cases() {
        Cell rnn = new TanhRnnCell(3, 4, 1);
        List<Case> c = new ArrayList<>();
        // ---- core
        c.add(new Case("broadcast mismatch", IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).add(Tensor.zeros(4, 3)), "[2, 3]", "[4, 3]"));
        c.add(new Case("matmul inner dimensions", IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)), "[2, 3]", "[4, 5]"));
        c.add(new Case("reshape to another size", IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).reshape(4, 2), "[2, 3]", "[4, 2]"));
        c.add(new Case("negative dimension", IllegalArgumentException.class,
                () -> Tensor.zeros(2, -1), "negative", "[2, -1]"));
        c.add(new Case("slice out of range", IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).slice(1, 1, 5), "[1, 5)", "[2, 3]"));
        c.add(new Case("concat of different shapes", IllegalArgumentException.class,
                () -> Tensor.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4)), "[2, 3]", "[2, 4]"));
        c.add(new Case("data of the wrong length", IllegalArgumentException.class,
                () -> Tensor.wrap(new double[5], 2, 3), "length 5", "[2, 3]"));
        c.add(new Case("item of a non-scalar", IllegalArgumentException.class,
                () -> Tensor.zeros(2).item(), "[2]"));
        c.add(new Case("reduction axis out of range", IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).sum(5, false), "axis 5", "[2, 3]"));
        c.add(new Case("null data", IllegalArgumentException.class, () -> Tensor.of((double[]) null, 2), "null"));
        // ---- autodiff
        c.add(new Case("backward of a non-scalar without a seed", IllegalArgumentException.class,
                () -> Var.param(Tensor.ones(3)).tanh().backward(), "[3]", "seed"));
        c.add(new Case("seed of the wrong shape", IllegalArgumentException.class,
                () -> Var.param(Tensor.ones(3)).tanh().backward(Tensor.ones(2)), "[2]", "[3]"));
        c.add(new Case("backward of a value with no gradient path", IllegalStateException.class,
                () -> Var.constant(Tensor.ones(1)).tanh().backward(), "does not require a gradient"));
        c.add(new Case("backward twice through a freed graph", IllegalStateException.class, () -> {
            Var y = Var.param(Tensor.ones(2)).tanh().sum();
            y.backward();
            y.backward();
        }, "already freed"));
        c.add(new Case("NaN in forward (anomaly mode)", Anomaly.AnomalyException.class, () -> {
            try (Anomaly.Scope s = Anomaly.enable()) {
                Var.param(Tensor.vector(-1.0)).log();
            }
        }, "log", "NaN"));
        c.add(new Case("infinity in backward (anomaly mode)", Anomaly.AnomalyException.class, () -> {
            try (Anomaly.Scope s = Anomaly.enable()) {
                Var.param(Tensor.vector(0.0)).pow(0.5).sum().backward();
            }
        }, "pow", "Infinity"));
        c.add(new Case("prod of shapes that do not fit", IllegalArgumentException.class,
                () -> Ops.prod(x(2, 3), x(2, 3)), "[2, 3]"));
        c.add(new Case("cross-entropy target out of range", IllegalArgumentException.class,
                () -> Losses.crossEntropy(x(2, 3), new int[] {0, 3}), "target 3", "row 1", "[2, 3]"));
        c.add(new Case("mse of different shapes", IllegalArgumentException.class,
                () -> Losses.mse(x(2, 3), x(3, 2)), "[2, 3]", "[3, 2]"));
        c.add(new Case("Adam with a negative learning rate", IllegalArgumentException.class,
                () -> new Adam(List.of(Var.param(Tensor.ones(1))), -0.1), "-0.1"));
        c.add(new Case("SGD momentum of 1", IllegalArgumentException.class,
                () -> Sgd.builder(0.1).momentum(1.0).build(List.of(Var.param(Tensor.ones(1)))), "momentum", "1.0"));
        c.add(new Case("checkpoint of a null segment", IllegalArgumentException.class,
                () -> Checkpoint.apply((Checkpoint.Segment) null, x(1)), "segment"));
        c.add(new Case("checkpoint of a segment that is not deterministic", IllegalStateException.class, () -> {
            AtomicInteger calls = new AtomicInteger();
            Var w = Var.param(Tensor.ones(2));
            Var y = Checkpoint.single(v -> v.mul(w).mul(Var.constant(calls.incrementAndGet())),
                    Var.constant(Tensor.ones(2)));
            y.sum().backward();
        }, "differs between forward and recomputation"));
        c.add(new Case("optimal schedule with no slots", IllegalArgumentException.class,
                () -> Schedule.optimal(0), "0"));
        c.add(new Case("chain of a negative number of steps", IllegalArgumentException.class,
                () -> CheckpointedChain.run((s, t) -> s, new Var[] {x(1)}, -2, Schedule.storeAll()), "-2"));
        // ---- rnn
        c.add(new Case("sequence of no steps", IllegalArgumentException.class,
                () -> Unroll.loss(rnn, x(0, 2, 3), Unroll.zeroState(rnn, 2), SUM, Bptt.full()), "T = 0"));
        c.add(new Case("truncation length 0", IllegalArgumentException.class, () -> Bptt.truncated(0), "tau", "0"));
        c.add(new Case("keep probability above 1", IllegalArgumentException.class,
                () -> Bptt.randomized(1.2, 1), "(0, 1]", "1.2"));
        c.add(new Case("state batch different from the inputs'", IllegalArgumentException.class,
                () -> Unroll.loss(rnn, x(5, 2, 3), Unroll.zeroState(rnn, 7), SUM, Bptt.full()), "[7, 4]", "[5, 2, 3]"));
        c.add(new Case("inputs of the wrong size", IllegalArgumentException.class,
                () -> Unroll.loss(rnn, x(5, 2, 9), Unroll.zeroState(rnn, 2), SUM, Bptt.full()), "D = 3", "[5, 2, 9]"));
        c.add(new Case("LSTM given one state part", IllegalArgumentException.class,
                () -> Unroll.loss(new LstmCell(3, 4, 1), x(5, 2, 3), State.of(x(2, 4)), SUM, Bptt.full()), "2 parts"));
        c.add(new Case("cell whose state shape drifts", IllegalStateException.class,
                () -> Unroll.loss(new DriftingCell(1), x(5, 2, 3), Unroll.zeroState(new DriftingCell(1), 2), SUM,
                        Bptt.full()), "step 0", "[2, 3]", "[2, 6]"));
        c.add(new Case("chunk longer than the sequence", IllegalArgumentException.class,
                () -> Streaming.run(rnn, x(5, 2, 3), Unroll.zeroState(rnn, 2), SUM, Bptt.full(), 8, ch -> { }),
                "8", "T = 5"));
        c.add(new Case("null cell", IllegalArgumentException.class,
                () -> Unroll.loss(null, x(5, 2, 3), Unroll.zeroState(rnn, 2), SUM, Bptt.full()), "null"));
        c.add(new Case("unknown strategy name", IllegalArgumentException.class,
                () -> Bptt.parse("checkpoint:slots=x", 1), "checkpoint:slots=x"));
        return c;
    }

    @TestFactory
    List<DynamicTest> everyBadInputRaisesASpecificExceptionNamingTheProblem() {
        List<Case> all = cases();
        assertTrue(all.size() >= 30, "the catalogue must hold at least 30 cases, has " + all.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (Case k : all) {
            tests.add(DynamicTest.dynamicTest(k.name(), () -> {
                Throwable e = assertThrows(k.type(), k.call(), k.name());
                assertEquals(k.type(), e.getClass(), () -> k.name() + ": " + e);
                for (String f : k.fragments()) {
                    assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                            () -> k.name() + ": message '" + e.getMessage() + "' lacks '" + f + "'");
                }
            }));
        }
        return tests;
    }

    @Test
    void aFailedTrainingStepLeavesParametersAndOptimizerStateUnchanged() {
        TanhRnnCell cell = new TanhRnnCell(2, 3, 4);
        Optimizer opt = Adam.builder(0.01).rejectNonFinite(true).build(cell.parameters());
        Tensor x = Tensor.randn(5, 1.0, 4, 2, 2);
        // one good step so the optimizer has state
        Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, 2), SUM, Bptt.full()).loss().backward();
        opt.step();
        List<Tensor> before = new ArrayList<>();
        cell.parameters().forEach(p -> before.add(p.value().copy()));
        Map<String, Tensor> stateBefore = opt.state();
        // a step whose gradient is not finite: backward yields an infinite gradient for one weight
        opt.zeroGrad();
        Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, 2), SUM, Bptt.full()).loss().backward();
        cell.parameters().get(1).grad().setFlatInPlace(0, Double.POSITIVE_INFINITY);
        assertThrows(ArithmeticException.class, opt::step);
        for (int i = 0; i < before.size(); i++) {
            assertTrue(before.get(i).bitwiseEquals(cell.parameters().get(i).value()), "parameter " + i + " changed");
        }
        Map<String, Tensor> stateAfter = opt.state();
        assertEquals(stateBefore.keySet(), stateAfter.keySet());
        for (String key : stateBefore.keySet()) {
            assertTrue(stateBefore.get(key).bitwiseEquals(stateAfter.get(key)), "optimizer state " + key + " changed");
        }
    }

    @Test
    void aBackwardAbortedByAnAnomalyLeavesNoPartialStateBehind() {
        // sqrt at 0 has an infinite derivative: anomaly mode stops backward half-way through
        Var w = Var.param(Tensor.vector(0.0, 4.0));
        Var bad = w.pow(0.5).sum();
        try (Anomaly.Scope s = Anomaly.enable()) {
            assertThrows(Anomaly.AnomalyException.class, () -> bad.backward(Tensor.scalar(1.0), true));
        }
        // the same graph, retained, differentiates again without anomaly mode: no stale partial sums
        w.zeroGrad();
        bad.backward();
        assertEquals(Double.POSITIVE_INFINITY, w.grad().getFlat(0));
        assertEquals(0.25, w.grad().getFlat(1), 0.0);
    }
}
