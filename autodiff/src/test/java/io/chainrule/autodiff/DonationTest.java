package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Buffer donation ({@link Var#donate()}): addmm writes over a donated, unread c and gives the same
 * values and gradients as over a copy; any earlier read withdraws the donation; a read after the
 * overwrite is an error naming the op.
 */
class DonationTest {

    private static final Tensor W = TestTensors.uniform(1, -1, 1, 5, 4);
    private static final Tensor H = TestTensors.uniform(2, -1, 1, 3, 4);
    private static final Tensor C = TestTensors.uniform(3, -1, 1, 3, 5);

    /** y = tanh(c + h Wᵀ) with c = x·2 (a product, so that c has its own buffer), loss Σ y; the value and dL/dW, dL/dx. */
    private static Tensor[] run(boolean donate, boolean readFirst) {
        Var w = Var.param(W.copy(), "w");
        Var x = Var.param(C.copy(), "x");
        Var c = x.mul(2.0);
        if (donate) {
            c.donate();
        }
        Tensor before = readFirst ? c.value().copy() : null;
        Var y = Ops.addMatMul(c, Var.constant(H), false, w, true, Activation.TANH);
        if (readFirst) {
            assertTrue(c.value().bitwiseEquals(before), "a read withdraws the donation: c is unchanged");
        }
        boolean overwritten;
        try {
            assertTrue(c.value().bitwiseEquals(C.mul(2.0)), "a c that was not written over keeps its value");
            overwritten = false;
        } catch (IllegalStateException e) {
            overwritten = true;
        }
        y.sum().backward();
        return new Tensor[] {y.value(), w.grad(), x.grad(), Tensor.scalar(overwritten ? 1 : 0)};
    }

    @Test
    void addmmWritesOverADonatedValueWithTheSameValuesAndGradients() {
        Tensor[] copied = run(false, false);
        Tensor[] donated = run(true, false);
        assertTrue(copied[3].item() == 0 && donated[3].item() == 1, "only the donated c is written over");
        for (int i = 0; i < 3; i++) {
            assertTrue(donated[i].bitwiseEquals(copied[i]), "output " + i + " differs with donation");
        }
    }

    @Test
    void readingBeforeTheOpWithdrawsTheDonation() {
        Tensor[] read = run(true, true);
        assertTrue(read[3].item() == 0, "c was read first, so addmm must copy it");
        Tensor[] copied = run(false, false);
        for (int i = 0; i < 3; i++) {
            assertTrue(read[i].bitwiseEquals(copied[i]), "output " + i);
        }
    }

    @Test
    void anOpThatReadsTheValueFirstWithdrawsTheDonation() {
        Var c = Var.param(C.copy(), "x").mul(1.0);
        assertTrue(c.donate());
        Tensor t = c.tanh().value();
        Var y = Ops.addMatMul(c, Var.constant(H), false, Var.constant(W), true);
        assertTrue(c.value().bitwiseEquals(C), "c is unchanged after tanh read it and addmm used it");
        assertTrue(t.bitwiseEquals(C.tanh()));
        assertFalse(y.value().array() == c.value().array());
    }

    @Test
    void readingAfterTheOverwriteNamesTheOp() {
        Var c = Var.param(C.copy(), "x").mul(1.0);
        assertTrue(c.donate());
        Ops.addMatMul(c, Var.constant(H), false, Var.constant(W), true, Activation.SIGMOID);
        IllegalStateException e = assertThrows(IllegalStateException.class, c::value);
        assertTrue(e.getMessage().contains("addmm+sigmoid") && e.getMessage().contains("donated"), e.getMessage());
        // its shape is still known, for error messages and drawing
        assertTrue(java.util.Arrays.equals(new int[] {3, 5}, c.shape()));
    }

    @Test
    void aRowBiasIsNotWrittenOver() {
        Tensor bias = TestTensors.uniform(4, -1, 1, 5);
        Var c = Var.param(bias.copy(), "b").mul(1.0);
        assertTrue(c.donate());
        Var y = Ops.addMatMul(c, Var.constant(H), false, Var.constant(W), true);
        assertTrue(c.value().bitwiseEquals(bias), "a row bias is broadcast into a new buffer, not claimed");
        assertEquals(3, y.shape()[0]);
    }

    @Test
    void storageSomeoneHoldsIsNeverDonated() {
        Tensor data = C.copy();
        assertFalse(Var.param(data, "w_hh").donate(), "a parameter");
        assertFalse(Var.constant(data.copy()).donate(), "data");
        // a view of data (a cell whose prepared inputs are its inputs, reshaped): written over, it would change the caller's tensor
        Var view = Ops.reshape(Var.constant(data), 5, 3);
        assertFalse(view.donate(), "a view of data");
        Var fresh = Ops.reshape(Var.param(data, "p").mul(1.0), 5, 3);
        assertTrue(fresh.donate(), "a view of an op's own result");
        // a value an op saved for backward
        Var y = Var.param(C.copy(), "q").mul(1.0).tanh();
        assertFalse(y.donate(), "tanh saved its output");
        Ops.addMatMul(view, Var.constant(Tensor.randn(7, 1.0, 5, 2)), false, Var.constant(Tensor.randn(8, 1.0, 2, 3)), false);
        assertTrue(data.bitwiseEquals(C), "the caller's tensor is unchanged");
    }
}
