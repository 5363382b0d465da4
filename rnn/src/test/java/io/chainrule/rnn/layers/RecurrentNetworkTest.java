package io.chainrule.rnn.layers;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Ops;
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

/**
 * Deep and bidirectional networks run layer by layer: gradients against finite differences under
 * the strategies that apply, checkpointed = full bitwise with dropout on, the reverse direction's
 * layout, and the strategies refused.
 */
class RecurrentNetworkTest {

    /** A random problem: network, head on the joined outputs, data, initial states that are parameters. */
    static final class Problem {
        final RecurrentNetwork net;
        final OutputLayer head;
        final Tensor x;
        final Tensor y;
        final List<State> initial = new ArrayList<>();
        final List<Var> parameters = new ArrayList<>();

        Problem(RecurrentNetwork net, int batch, int steps, long seed) {
            this.net = net;
            this.head = new OutputLayer(net.outputSize(), 2, true, seed + 1);
            this.x = Tensor.randn(seed + 2, 1.0, steps, batch, net.inputSize());
            this.y = Tensor.randn(seed + 3, 1.0, steps, batch, 2);
            parameters.addAll(net.parameters());
            parameters.addAll(head.parameters());
            int i = 0;
            for (State zero : net.zeroStates(batch)) {
                Var[] parts = new Var[zero.size()];
                for (int j = 0; j < parts.length; j++) {
                    parts[j] = Var.param(Tensor.randn(seed + 10 + i++, 0.5, batch, net.hiddenSize()), "s0");
                    parameters.add(parts[j]);
                }
                initial.add(State.of(parts));
            }
        }

        /** L = mse over all steps of the head on the outputs. */
        Var loss(BpttStrategy strategy) {
            Var out = net.apply(Var.constant(x), initial, strategy).outputs();
            int[] s = out.shape();
            Var o = head.apply(out.reshape(s[0] * s[1], s[2]));
            return Losses.mse(o, Var.constant(y.reshape(s[0] * s[1], 2)));
        }

        List<Tensor> gradients(BpttStrategy strategy, long rngSeed) {
            Rng.current().setSeed(rngSeed);
            parameters.forEach(Var::zeroGrad);
            Var l = loss(strategy);
            l.backward();
            List<Tensor> out = new ArrayList<>();
            out.add(l.value());
            parameters.forEach(p -> out.add(p.grad() == null ? null : p.grad().copy()));
            return out;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "rnn", "gru", "lstm", "mgu"})
    void checkpointedIsFullBpttBitwiseWithDropoutOn(String name) {
        for (boolean bidirectional : new boolean[] {true, false}) {
            RecurrentNetwork net = Stacks.network(name, 3, 4, 3, bidirectional, 4);
            for (RecurrentNetwork training : List.of(net.withDropout(0.3), net.withVariationalDropout(0.3))) {
                Problem p = new Problem(training, 2, 9, 5);
                List<Tensor> full = p.gradients(Bptt.full(), 11);
                for (Schedule s : List.of(Schedule.sqrtT(), Schedule.everyK(2), Schedule.optimal(1), Schedule.optimal(3),
                        Schedule.optimal(20))) {
                    StackedCellTest.assertBitwise(name + " " + bidirectional + " " + s, full,
                            p.gradients(Bptt.checkpointed(s), 11));
                }
                assertFalse(full.get(0).bitwiseEquals(p.gradients(Bptt.full(), 12).get(0)), "masks depend on the stream");
            }
        }
    }

    @Test
    void theReverseDirectionReadsTheSequenceFromItsEndAndItsOutputsAreJoinedAfterTheForwardOnes() {
        RecurrentNetwork net = Stacks.network("gru", 3, 4, 1, true, 3);
        Tensor x = Tensor.randn(5L, 1.0, 6, 2, 3);
        RecurrentNetwork.Result r = net.apply(Var.constant(x), null, Bptt.full());
        assertEquals(List.of(6, 2, 8), List.of(r.outputs().shape()[0], r.outputs().shape()[1], r.outputs().shape()[2]));
        Cell forward = net.cell(0, false);
        Cell reverse = net.cell(0, true);
        List<State> fs = Unroll.states(forward, Var.constant(x), Unroll.zeroState(forward, 2));
        Var[] reversedSteps = Ops.unstack(Var.constant(x), 0);
        java.util.Collections.reverse(java.util.Arrays.asList(reversedSteps));
        List<State> rs = Unroll.states(reverse, Ops.stack(reversedSteps), Unroll.zeroState(reverse, 2));
        for (int t = 0; t < 6; t++) {
            Tensor joined = r.outputs().value().row(t);
            assertTrue(joined.slice(1, 0, 4).bitwiseEquals(fs.get(t).h().value()), "forward at " + t);
            assertTrue(joined.slice(1, 4, 8).bitwiseEquals(rs.get(5 - t).h().value()), "reverse at " + t);
        }
        assertTrue(r.finalStates().get(0).h().value().bitwiseEquals(fs.get(5).h().value()));
        assertTrue(r.finalStates().get(1).h().value().bitwiseEquals(rs.get(5).h().value()));
    }

    @Test
    void parametersAreNamedAndOrderedAsPyTorchsBidirectionalLstm() {
        List<String> names = new ArrayList<>();
        Stacks.network("lstm", 3, 4, 2, true, 1).parameters().forEach(p -> names.add(p.name()));
        List<String> want = new ArrayList<>();
        for (String layer : List.of("l0", "l0_reverse", "l1", "l1_reverse")) {
            for (String w : List.of("weight_ih_", "weight_hh_", "bias_ih_", "bias_hh_")) {
                want.add(w + layer);
            }
        }
        assertEquals(want, names);
        assertEquals(List.of(16, 8), List.of(Stacks.network("lstm", 3, 4, 2, true, 1).cell(1, true).parameters().get(0).shape()[0],
                Stacks.network("lstm", 3, 4, 2, true, 1).cell(1, true).parameters().get(0).shape()[1]));
    }

    @Test
    void aBidirectionalNetworkRefusesStrategiesThatCutTheSequence() {
        Problem p = new Problem(Stacks.network("lstm", 2, 3, 2, true, 1), 2, 6, 1);
        for (BpttStrategy s : List.of(Bptt.truncated(3), Bptt.randomizedWithDraws(1, 2, 0, 2, 1, 1),
                Bptt.checkpointed(Bptt.truncated(2), Schedule.sqrtT()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.loss(s));
            assertTrue(e.getMessage().contains("bidirectional") && e.getMessage().contains(s.name())
                    && e.getMessage().contains("at step"), e.getMessage());
        }
        // strategies whose scales are all 1 differentiate the whole sequence: bitwise full BPTT
        List<Tensor> full = p.gradients(Bptt.full(), 1);
        StackedCellTest.assertBitwise("truncated:T", full, p.gradients(Bptt.truncated(6), 1));
        StackedCellTest.assertBitwise("randomized:1", full, p.gradients(Bptt.randomized(1.0, 3), 1));
    }

    @Test
    void aUnidirectionalNetworkIsTheStackedCellLayerByLayer() {
        for (String name : Stacks.BUILT_IN) {
            for (BpttStrategy s : List.of(Bptt.full(), Bptt.truncated(3))) {
                StackedCell stack = Stacks.stack(name, 3, 4, 3, 6);
                List<Cell[]> layers = new ArrayList<>();
                stack.layers().forEach(c -> layers.add(new Cell[] {c}));
                RecurrentNetwork net = RecurrentNetwork.of(layers);
                Tensor x = Tensor.randn(7L, 1.0, 8, 2, 3);
                OutputLayer head = new OutputLayer(4, 2, true, 8);
                Tensor y = Tensor.randn(9L, 1.0, 8, 2, 2);
                Var a = Unroll.loss(stack, Var.constant(x), Unroll.zeroState(stack, 2),
                        (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), s).loss();
                a.backward();
                List<Tensor> ga = new ArrayList<>();
                stack.parameters().forEach(p -> {
                    ga.add(p.grad().copy());
                    p.zeroGrad();
                });
                Var out = net.apply(Var.constant(x), null, s).outputs();
                Var[] hs = Ops.unstack(out, 0);
                Var b = Var.constant(0.0);
                for (int t = 0; t < 8; t++) {
                    b = b.add(Losses.mse(head.apply(hs[t]), Var.constant(y.row(t))));
                }
                b = b.mul(1.0 / 8);
                b.backward();
                assertEquals(a.value().item(), b.value().item(), 1e-14 * Math.abs(a.value().item()), name + " loss");
                for (int i = 0; i < ga.size(); i++) {
                    Tensor gb = stack.parameters().get(i).grad();
                    double scale = Math.max(ga.get(i).maxAbsDiff(Tensor.zerosLike(ga.get(i))), 1e-300);
                    assertTrue(ga.get(i).maxAbsDiff(gb) <= 1e-12 * scale, name + " " + s.name() + " gradient " + i + ": "
                            + ga.get(i).maxAbsDiff(gb) / scale);
                }
                stack.parameters().forEach(Var::zeroGrad);
            }
        }
    }

    @Test
    void batchFirstDataIsReadTimeFirst() {
        Tensor bf = Tensor.randn(3L, 1.0, 2, 5, 3);
        Var tf = RecurrentNetwork.timeFirst(Var.constant(bf));
        assertEquals(5, tf.shape()[0]);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 5; t++) {
                for (int d = 0; d < 3; d++) {
                    assertEquals(bf.get(b, t, d), tf.value().get(t, b, d));
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Stacks.network("gru", 3, 4, 1, false, 1).apply(Var.constant(Tensor.randn(1L, 1.0, 5, 3)), null, Bptt.full()));
        assertTrue(e.getMessage().contains("[T, B, D]"), e.getMessage());
    }
}
