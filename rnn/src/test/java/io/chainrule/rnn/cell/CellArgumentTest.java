package io.chainrule.rnn.cell;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accessors and argument errors of the cells that no gradient test reaches: the recurrent
 * weight by name, a reverse layer's position, and given weights of the wrong shape named in full.
 */
class CellArgumentTest {

    private static String error(Supplier<?> make) {
        return assertThrows(IllegalArgumentException.class, make::get).getMessage();
    }

    @Test
    void weightHhIsTheRecurrentParameterNamedAsPyTorchNamesIt() {
        LstmCell lstm = new LstmCell(3, 5, 1L);
        assertEquals("weight_hh_l0", lstm.weightHh().name());
        assertArrayEquals(new int[] {20, 5}, lstm.weightHh().shape());
        assertTrue(lstm.parameters().contains(lstm.weightHh()));
        Tensor wHh = Tensor.randn(2L, 1.0, 12, 4);
        GruCell gru = new GruCell(Tensor.randn(1L, 1.0, 12, 3), wHh, Tensor.zeros(12), Tensor.zeros(12));
        assertSame(wHh, gru.weightHh().value(), "given weights become the parameters' values");
        GruCell reverse = new GruCell(3, 4, LayerPosition.backward(2), new org.apache.commons.math3.random.Well19937c(1));
        assertEquals("weight_hh_l2_reverse", reverse.weightHh().name());
    }

    @Test
    void aBackwardPositionIsTheReverseDirectionOfItsLayer() {
        LayerPosition p = LayerPosition.backward(1);
        assertEquals(1, p.layer());
        assertTrue(p.reverse());
        assertEquals("weight_ih_l1_reverse", p.name("weight_ih"));
        assertFalse(LayerPosition.forward(1).reverse());
        assertEquals("bias_hh_l0", LayerPosition.FIRST.name("bias_hh"));
    }

    @Test
    void aGivenInputWeightOfTheWrongShapeIsNamedWithItsShape() {
        Tensor wHh = Tensor.zeros(12, 3);
        Tensor b = Tensor.zeros(12);
        String prefix = "LstmCell: weight_ih_l0 must be a [4·H, D] matrix with H, D > 0, got ";
        assertEquals(prefix + "null", error(() -> new LstmCell(null, wHh, b, b)));
        assertEquals(prefix + "[12]", error(() -> new LstmCell(Tensor.zeros(12), wHh, b, b)));
        assertEquals(prefix + "[10, 3]", error(() -> new LstmCell(Tensor.zeros(10, 3), wHh, b, b)));
        assertEquals(prefix + "[0, 3]", error(() -> new LstmCell(Tensor.zeros(0, 3), wHh, b, b)));
        assertEquals(prefix + "[12, 0]", error(() -> new LstmCell(Tensor.zeros(12, 0), wHh, b, b)));
    }

    @Test
    void aGivenLinearCellWeightOfTheWrongShapeIsNamedWithItsShape() {
        assertEquals("LinearCell: W_hx must be a [H, D] matrix, got null",
                error(() -> new LinearCell(null, Tensor.zeros(2, 2))));
        assertEquals("LinearCell: W_hx must be a [H, D] matrix, got [2]",
                error(() -> new LinearCell(Tensor.zeros(2), Tensor.zeros(2, 2))));
    }
}
