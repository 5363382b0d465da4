package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the graph records and keeps: ops on values that need no gradient record nothing; an op
 * keeps only what its backward needs; and values that finite differences cannot check (a scale
 * applied to the value and its gradient alike is self-consistent) against plain arithmetic.
 */
class RecordingTest {

    @Test
    void opsOnConstantsRecordNothing() {
        Var a = Var.constant(Tensor.uniform(1, -1, 1, 2, 3));
        Var b = Var.constant(Tensor.uniform(2, -1, 1, 2, 3));
        for (Var y : new Var[] {Ops.add(a, b), Ops.mul(a, b), Ops.concat(0, a, b), Ops.tanh(a),
                Ops.addMatMul(Var.constant(Tensor.zeros(2, 2)), a, false, b, true), Ops.stack(a, b)}) {
            assertFalse(y.requiresGrad(), "an op on constants requires a gradient");
            assertNull(y.creator(), "an op on constants recorded a node");
        }
        assertTrue(Ops.add(a, Var.param(Tensor.zeros(2, 3))).requiresGrad());
        assertTrue(Ops.concat(0, a, Var.param(Tensor.zeros(2, 3))).requiresGrad());
    }

    /** matmul of a computed value and data keeps the data (for the value's gradient) and not the value. */
    @Test
    void aProductKeepsOnlyTheFactorItsBackwardNeeds() {
        Var p = Var.param(Tensor.uniform(3, -1, 1, 50, 40));
        Var h = p.mul(Var.constant(2.0));
        Var data = Var.constant(Tensor.uniform(4, -1, 1, 40, 30));
        long before = Memory.savedBytes();
        Var y = Ops.matmul(h, false, data, false);
        assertEquals(8L * 40 * 30, Memory.savedBytes() - before, "matmul should keep the data factor only");
        y.sum().backward();
        assertTrue(Memory.savedBytes() < before, "backward frees what the graph kept");
    }

    @Test
    void meanOverAxesIsTheSumOverTheCount() {
        Tensor x = Tensor.uniform(5, -1, 1, 3, 4, 5);
        Tensor mean = Ops.mean(Var.constant(x), new int[] {0, 2}, false).value();
        Tensor want = x.sum(new int[] {0, 2}, false).mul(1.0 / 15);
        assertTrue(mean.maxAbsDiff(want) <= 2 * Math.ulp(1.0) * want.abs().maxValue(), mean + " vs " + want);
        assertEquals(x.sum().item() / 60, Ops.mean(Var.constant(x)).value().item(), 1e-15);
    }
}
