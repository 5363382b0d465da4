package io.chainrule.rnn.cell;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in gated cells are made from given weights: their state dict, or the four tensors. */
class CellsFromWeightsTest {

    private static Tensor lastHidden(Cell cell, Tensor x) {
        List<State> s = Unroll.states(cell, Var.constant(x), Unroll.zeroState(cell, x.dim(1)));
        return s.get(s.size() - 1).h().value();
    }

    private static void roundTrip(Cell random, Function<Map<String, Tensor>, Cell> fromState) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        random.stateDict().values().forEach((k, v) -> state.put(k, v.copy()));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"), List.copyOf(state.keySet()));
        Cell rebuilt = fromState.apply(state);
        assertEquals(random.inputSize(), rebuilt.inputSize());
        assertEquals(random.hiddenSize(), rebuilt.hiddenSize());
        Tensor x = Tensor.randn(3L, 1.0, 5, 2, random.inputSize());
        assertTrue(lastHidden(random, x).bitwiseEquals(lastHidden(rebuilt, x)), random.name());
    }

    @Test
    void aCellMadeFromAnotherOnesStateComputesTheSameBits() {
        roundTrip(new TanhRnnCell(3, 4, 1L), TanhRnnCell::fromState);
        roundTrip(new GruCell(3, 4, 1L), GruCell::fromState);
        roundTrip(new LstmCell(3, 4, 1L), LstmCell::fromState);
    }

    @Test
    void theFourTensorsBecomeTheParametersAndSizesComeFromTheirShapes() {
        Tensor wIh = Tensor.randn(1L, 1.0, 12, 5);
        LstmCell c = new LstmCell(wIh, Tensor.randn(2L, 1.0, 12, 3), Tensor.zeros(12), Tensor.zeros(12));
        assertEquals(5, c.inputSize());
        assertEquals(3, c.hiddenSize());
        assertTrue(c.stateDict().get("weight_ih_l0").value() == wIh);
    }

    @Test
    void aWrongShapeAMissingOrExtraKeyOrANonFiniteValueIsNamed() {
        Map<String, Tensor> state = new LinkedHashMap<>(new GruCell(3, 4, 1L).stateDict().values());
        Map<String, Tensor> wrong = new LinkedHashMap<>(state);
        wrong.put("weight_hh_l0", Tensor.zeros(12, 5));
        assertEquals("GruCell: key 'weight_hh_l0': expected shape [12, 4], found [12, 5]",
                assertThrows(IllegalArgumentException.class, () -> GruCell.fromState(wrong)).getMessage());
        Map<String, Tensor> prefixed = new LinkedHashMap<>();
        state.forEach((k, v) -> prefixed.put("rnn." + k, v));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GruCell.fromState(prefixed)).getMessage()
                .startsWith("GruCell: unexpected keys [rnn.bias_hh_l0"));
        Map<String, Tensor> missing = new LinkedHashMap<>(state);
        missing.remove("bias_hh_l0");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GruCell.fromState(missing)).getMessage()
                .startsWith("GruCell: the state dict lacks 'bias_hh_l0'"));
        Map<String, Tensor> nan = new LinkedHashMap<>(state);
        Tensor b = Tensor.zeros(12);
        b.setInPlace(Double.NaN, 7);
        nan.put("bias_ih_l0", b);
        assertEquals("GruCell: key 'bias_ih_l0' [12] holds NaN at index [7] (flat 7); parameters must be finite",
                assertThrows(IllegalArgumentException.class, () -> GruCell.fromState(nan)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TanhRnnCell(Tensor.zeros(4), null, null, null))
                .getMessage().startsWith("TanhRnnCell: weight_ih_l0 must be a [1·H, D] matrix"));
    }
}
