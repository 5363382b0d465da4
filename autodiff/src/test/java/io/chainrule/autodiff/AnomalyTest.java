package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anomaly mode names the op and the user's line where the first NaN or infinity appears. */
class AnomalyTest {

    /** Identity forward whose backward turns the gradient into NaN: a bug only backward shows. */
    static final class PoisonedBackward extends Op {
        private PoisonedBackward(Var x) {
            super("poisoned", x);
        }

        static Var apply(Var x) {
            return new PoisonedBackward(x).output(x.value());
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor g = grads.output();
            grads.set(0, g.mul(Double.NaN));
        }
    }

    @Test
    void aNaNInForwardNamesTheOpAndTheUserFrame() {
        Var x = Var.param(Tensor.vector(1.0, -2.0, 3.0), "x");
        Anomaly.AnomalyException e;
        try (Anomaly.Scope scope = Anomaly.enable()) {
            e = assertThrows(Anomaly.AnomalyException.class, () -> Ops.log(x));
        }
        String m = e.getMessage();
        assertTrue(m.contains("forward of 'log' produced NaN at flat index 1"), m);
        assertTrue(m.contains(AnomalyTest.class.getName()), m);
        assertTrue(m.contains("AnomalyTest.java"), m);
    }

    @Test
    void withoutAnomalyModeTheNaNPassesSilently() {
        assertFalse(Anomaly.isEnabled());
        Var y = Ops.log(Var.param(Tensor.vector(1.0, -2.0)));
        assertTrue(Double.isNaN(y.value().getFlat(1)));
    }

    @Test
    void aNaNOnlyInBackwardFromPowAtZeroNamesTheOpAndWhereItWasCreated() {
        // sqrt(x) at 0 is 0 (finite); its derivative 0.5 x^-0.5 is infinite, times the incoming 0 is NaN
        Var x = Var.param(Tensor.vector(0.0, 4.0), "x");
        Anomaly.AnomalyException e;
        try (Anomaly.Scope scope = Anomaly.enable()) {
            Var y = Ops.sum(Ops.mul(Ops.pow(x, 0.5), Var.constant(Tensor.vector(0.0, 1.0))));
            assertTrue(y.value().allFinite());
            e = assertThrows(Anomaly.AnomalyException.class, y::backward);
        }
        String m = e.getMessage();
        assertTrue(m.contains("backward of 'pow' produced NaN in the gradient of its input 0"), m);
        assertTrue(m.contains("flat index 0"), m);
        assertTrue(m.contains("created at " + AnomalyTest.class.getName()), m);
        assertNotNull(e.getCause(), "the creation site is the cause");
    }

    @Test
    void aNaNOnlyInBackwardOfACustomOpNamesIt() {
        Var x = Var.param(Tensor.vector(0.5, 1.5), "x");
        Anomaly.AnomalyException e;
        try (Anomaly.Scope scope = Anomaly.enable()) {
            Var y = Ops.sum(Ops.tanh(PoisonedBackward.apply(Ops.exp(x))));
            e = assertThrows(Anomaly.AnomalyException.class, y::backward);
        }
        assertTrue(e.getMessage().contains("backward of 'poisoned' produced NaN"), e.getMessage());
        assertTrue(e.getMessage().contains(AnomalyTest.class.getName()), e.getMessage());
    }

    @Test
    void anOpRecordedOutsideAnomalyModeIsReportedWithoutASite() {
        Var x = Var.param(Tensor.vector(0.5), "x");
        Var y = Ops.sum(PoisonedBackward.apply(x));
        Anomaly.AnomalyException e;
        try (Anomaly.Scope scope = Anomaly.enable()) {
            e = assertThrows(Anomaly.AnomalyException.class, y::backward);
        }
        assertTrue(e.getMessage().contains("anomaly mode was off when it was recorded"), e.getMessage());
    }

    @Test
    void theScopeRestoresThePreviousSetting() {
        try (Anomaly.Scope outer = Anomaly.enable()) {
            try (Anomaly.Scope inner = Anomaly.enable()) {
                assertTrue(Anomaly.isEnabled());
            }
            assertTrue(Anomaly.isEnabled());
        }
        assertFalse(Anomaly.isEnabled());
    }
}
