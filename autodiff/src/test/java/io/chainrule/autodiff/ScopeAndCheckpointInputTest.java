package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grad-mode scopes restore the mode they found, nested either way; a checkpoint names a null input or output. */
class ScopeAndCheckpointInputTest {

    @Test
    void scopesRestoreTheModeTheyFound() {
        assertTrue(GradMode.isEnabled());
        try (NoGrad outer = NoGrad.enter()) {
            try (NoGrad inner = NoGrad.enter()) {
                assertFalse(GradMode.isEnabled());
            }
            assertFalse(GradMode.isEnabled(), "closing a nested no-grad scope turned recording on");
            try (NoGrad on = NoGrad.enableGrad()) {
                assertTrue(GradMode.isEnabled());
            }
            assertFalse(GradMode.isEnabled(), "closing an enable-grad scope inside a no-grad one left recording on");
        }
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void aCheckpointNamesANullInputOrOutput() {
        Var x = Var.param(Tensor.zeros(2));
        IllegalArgumentException in = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.apply(v -> v, x, null));
        assertTrue(in.getMessage().contains("input 1 is null"), in.getMessage());
        IllegalStateException out = assertThrows(IllegalStateException.class,
                () -> Checkpoint.apply(v -> new Var[] {v[0].tanh(), null}, x));
        assertTrue(out.getMessage().contains("output 1 is null"), out.getMessage());
    }
}
