package io.chainrule.rnn.layers;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bitwise identities of stacks: one layer is the cell; checkpointed is full with dropout on; evaluation turns dropout off. */
class StackedCellTest {
    private static final int STEPS = 9;
    private static final int BATCH = 2;

    /** The loss followed by the gradients of the cell's parameters, the head's and the initial state's. */
    static List<Tensor> run(Cell cell, BpttStrategy strategy, long rngSeed) {
        Rng.current().setSeed(rngSeed);
        OutputLayer head = new OutputLayer(cell.hiddenSize(), 2, true, 22);
        Tensor x = Tensor.randn(23, 1.0, STEPS, BATCH, cell.inputSize());
        Tensor y = Tensor.randn(24, 1.0, STEPS, BATCH, 2);
        Var[] parts = new Var[cell.stateParts()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Var.param(Tensor.randn(25 + i, 1.0, BATCH, cell.hiddenSize()), "s0[" + i + "]");
        }
        cell.parameters().forEach(p -> p.zeroGrad());
        Var loss = Unroll.loss(cell, Var.constant(x), State.of(parts),
                (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), strategy).loss();
        loss.backward();
        List<Tensor> out = new ArrayList<>();
        out.add(loss.value());
        cell.parameters().forEach(p -> out.add(p.grad().copy()));
        head.parameters().forEach(p -> out.add(p.grad()));
        for (Var p : parts) {
            out.add(p.grad().copy());
        }
        return out;
    }

    static void assertBitwise(String what, List<Tensor> a, List<Tensor> b) {
        assertEquals(a.size(), b.size(), what);
        for (int i = 0; i < a.size(); i++) {
            int k = i;
            assertTrue(a.get(i).bitwiseEquals(b.get(i)), () -> what + ": value " + k + " differs");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "rnn", "gru", "lstm", "mgu"})
    void aStackOfOneLayerIsBitwiseTheCell(String name) {
        for (BpttStrategy s : List.of(Bptt.full(), Bptt.truncated(3), Bptt.checkpointed(Schedule.optimal(2)))) {
            List<Tensor> cell = run(Stacks.cell(name, 3, 4, 7), s, 1);
            List<Tensor> stack = run(StackedCell.of(Stacks.cell(name, 3, 4, 7)), s, 1);
            assertBitwise(name + " " + s.name(), cell, stack);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "rnn", "gru", "lstm", "mgu"})
    void checkpointedIsFullBpttBitwiseWithDropoutOn(String name) {
        StackedCell stack = Stacks.stack(name, 3, 4, 3, 8).withDropout(0.3);
        List<Tensor> full = run(stack, Bptt.full(), 5);
        for (Schedule s : List.of(Schedule.sqrtT(), Schedule.everyK(2), Schedule.optimal(1), Schedule.optimal(3))) {
            assertBitwise(name + " " + s, full, run(stack, Bptt.checkpointed(s), 5));
        }
        // and a truncated strategy checkpointed is that strategy
        assertBitwise(name + " truncated", run(stack, Bptt.truncated(4), 5),
                run(stack, Bptt.checkpointed(Bptt.truncated(4), Schedule.everyK(3)), 5));
        // the masks are drawn: another stream gives another loss
        assertFalse(full.get(0).bitwiseEquals(run(stack, Bptt.full(), 6).get(0)), "the dropout masks depend on the stream");
    }

    @Test
    void theEvaluationFormHasNoDropoutAndSharesTheParameters() {
        StackedCell plain = Stacks.stack("lstm", 3, 4, 2, 9);
        StackedCell training = plain.withDropout(0.5);
        StackedCell evaluation = training.inEvaluation();
        assertEquals(0.0, evaluation.dropout());
        assertEquals(0.5, training.dropout());
        for (int i = 0; i < plain.parameters().size(); i++) {
            assertTrue(plain.parameters().get(i) == training.parameters().get(i)
                    && plain.parameters().get(i) == evaluation.parameters().get(i));
        }
        assertBitwise("evaluation", run(plain, Bptt.full(), 1), run(evaluation, Bptt.full(), 1));
        assertBitwise("p = 0", run(plain, Bptt.full(), 1), run(plain.withDropout(0), Bptt.full(), 1));
        assertFalse(run(plain, Bptt.full(), 1).get(0).bitwiseEquals(run(training, Bptt.full(), 1).get(0)));
    }

    @Test
    void parametersAreNamedAsPyTorchNamesTheLayers() {
        List<String> names = new ArrayList<>();
        Stacks.stack("gru", 3, 4, 2, 1).parameters().forEach(p -> names.add(p.name()));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"), names);
    }

    @Test
    void theStateIsTheLayersStatesTopLayerFirst() {
        StackedCell stack = Stacks.stack("lstm", 3, 4, 3, 1);
        assertEquals(6, stack.stateParts());
        List<State> perLayer = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            perLayer.add(State.of(Var.constant(Tensor.full(k, 2, 4)), Var.constant(Tensor.full(10 + k, 2, 4))));
        }
        State s = stack.state(perLayer);
        assertEquals(2.0, s.h().value().get(0, 0), "part 0 is the top layer's h");
        for (int k = 0; k < 3; k++) {
            State back = stack.layerState(s, k);
            assertTrue(back.get(0) == perLayer.get(k).get(0) && back.get(1) == perLayer.get(k).get(1));
        }
        // a step's output h is the top layer's
        State next = stack.step(stack.prepareInputs(Var.constant(Tensor.randn(3L, 1.0, 1, 2, 3)), io.chainrule.rnn.Params.shared())
                .reshape(2, 16), s, io.chainrule.rnn.Params.shared());
        assertTrue(next.h() == stack.layerState(next, 2).h());
    }

    @Test
    void layersThatDoNotFitAreRefusedNamingTheLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackedCell.of(Stacks.cell("gru", 3, 4, 1), Stacks.cell("gru", 3, 4, 2)));
        assertTrue(e.getMessage().contains("layer 1") && e.getMessage().contains("size 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StackedCell.of(Stacks.cell("gru", 3, 4, 1), Stacks.cell("gru", 4, 5, 2)));
        assertTrue(e.getMessage().contains("same hidden size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Stacks.stack("rnn", 3, 4, 2, 1).withDropout(1.0));
        assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
    }
}
