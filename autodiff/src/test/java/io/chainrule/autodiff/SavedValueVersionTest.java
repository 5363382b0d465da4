package io.chainrule.autodiff;

import io.chainrule.autodiff.optim.Sgd;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A value an op saved for backward that changes in place before backward reads it is an error
 * naming the op, which of its inputs or outputs changed, and both versions: never a silently
 * wrong gradient (PyTorch's "modified by an inplace operation").
 */
class SavedValueVersionTest {

    @Test
    void aParameterChangedInPlaceAfterTheLossWasBuiltIsAnErrorNamingTheOp() {
        Var w = Var.param(Tensor.vector(2.0), "W");
        Var loss = w.mul(w).sum();
        w.value().addInPlace(10.0); // without the check: dL/dw = 2 · 12 = 24 instead of 4
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        String m = e.getMessage();
        assertTrue(m.contains("'mul'") && m.contains("its input"), m);
        assertTrue(m.contains("saved at version 0 and is now at version 1"), m);
        assertTrue(m.contains("in-place"), m);
    }

    @Test
    void anOutputChangedInPlaceIsAnErrorNamingTheOutput() {
        Var x = Var.param(Tensor.vector(0.5, -1.0), "x");
        Var y = x.tanh();
        Var loss = y.sum();
        y.value().fillInPlace(0.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("its output 0 of 'tanh' (shape [2])"), e.getMessage());
    }

    @Test
    void anOptimizerStepBetweenForwardAndBackwardIsAnError() {
        Var w = Var.param(Tensor.vector(1.0, 2.0), "w");
        Var x = Var.constant(Tensor.vector(3.0, 4.0));
        Var loss = w.mul(x).tanh().sum();
        w.setGrad(Tensor.vector(1.0, 1.0));
        new Sgd(List.of(w), 0.1).step();
        // mul saved x (not w): its gradient is still right; tanh saved its output, which did not change
        loss.backward();
        Var loss2 = w.mul(w).sum();
        w.setGrad(Tensor.vector(1.0, 1.0));
        new Sgd(List.of(w), 0.1).step();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss2::backward);
        assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
    }

    @Test
    void aWriteThroughTheArrayIsSeenOnceMarked() {
        Var x = Var.param(Tensor.vector(0.5, -1.0), "x");
        Var loss = x.mul(x).sum();
        x.value().array()[0] = 7.0;
        x.value().markWritten();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
    }

    @Test
    void aCheckpointsKeptInputChangedBeforeBackwardIsAnErrorNamingIt() {
        Var w = Var.param(Tensor.vector(0.3, 0.4), "w");
        Var h = w.mul(2.0);
        Var loss = Checkpoint.single(v -> v.tanh().mul(w), h).sum();
        h.value().scaleInPlace(3.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("its input 0 of 'checkpoint'"), e.getMessage());
    }

    @Test
    void aWriteThroughOnePartOfASplitIsNoChangeOfAnotherPart() {
        // the parts of a split along axis 0 count their writes apart (as the steps' slices of a projection do)
        Var x = Var.param(Tensor.vector(1.0, 2.0, 3.0, 4.0).reshape(2, 2), "x");
        Var[] parts = Ops.unstack(x.mul(1.0), 0);
        Var loss = parts[0].mul(parts[0]).sum(); // mul saves part 0
        parts[1].value().fillInPlace(5.0);
        loss.backward();
        assertTrue(x.grad().bitwiseEquals(Tensor.vector(2.0, 4.0, 0.0, 0.0).reshape(2, 2)), x.grad().toString());
    }

    @Test
    void aWriteThroughTheWholeIsAChangeOfEveryPart() {
        Var x = Var.param(Tensor.vector(1.0, 2.0, 3.0, 4.0).reshape(2, 2), "x");
        Var whole = x.mul(1.0);
        Var[] parts = Ops.unstack(whole, 0);
        Var loss = parts[0].mul(parts[0]).sum();
        whole.value().reshape(4).setFlatInPlace(3, 0.0); // an element of part 1, through a view of the whole
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
    }
}
