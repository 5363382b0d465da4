package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Var#forbidReads}: reads of a value forbidden while a scope is open, and allowed again
 * after; and the errors that name a value by its name (a donated value read after the overwrite, a
 * null parameter value, a null argument of {@link Ops#linear}).
 */
class VarReadsTest {

    private static String stateError(Runnable read) {
        return assertThrows(IllegalStateException.class, read::run).getMessage();
    }

    private static String argumentError(Supplier<?> make) {
        return assertThrows(IllegalArgumentException.class, make::get).getMessage();
    }

    @Test
    void aForbiddenReadSaysWhyAndReadsAreAllowedAgainAfterTheScope() {
        Tensor value = Tensor.vector(1, 2);
        Var w = Var.param(value, "w");
        try (Var.ReadsForbidden scope = w.forbidReads("a step reads its alias")) {
            assertTrue(stateError(w::value).endsWith("was read where reading it is forbidden: a step reads its alias"),
                    stateError(w::value));
            assertTrue(stateError(() -> Ops.tanh(w)).contains("a step reads its alias"));
            String twice = stateError(() -> w.forbidReads("again"));
            assertTrue(twice.contains("already forbidden: a step reads its alias"), twice);
        }
        assertSame(value, w.value());
        Ops.tanh(w).sum().backward();
        assertEquals(1 - Math.pow(Math.tanh(1), 2), w.grad().getFlat(0), 1e-15);
        // a second scope works the same, and closing it allows reads again
        try (Var.ReadsForbidden scope = w.forbidReads("second")) {
            assertTrue(stateError(w::value).endsWith("forbidden: second"));
        }
        assertSame(value, w.value());
    }

    @Test
    void aDonatedValueReadAfterTheOverwriteIsNamed() {
        Tensor h = Tensor.uniform(1, -1, 1, 2, 3);
        Tensor wT = Tensor.uniform(2, -1, 1, 4, 3);
        Var named = Var.param(Tensor.zeros(2, 4)).mul(1.0).named("c_t");
        assertTrue(named.donate());
        Ops.addMatMul(named, Var.constant(h), false, Var.constant(wT), true);
        assertTrue(stateError(named::value).startsWith("the value of 'c_t' was donated to '"), stateError(named::value));
        Var unnamed = Var.param(Tensor.zeros(2, 4)).mul(1.0);
        assertTrue(unnamed.donate());
        Ops.addMatMul(unnamed, Var.constant(h), false, Var.constant(wT), true);
        assertTrue(stateError(unnamed::value).startsWith("the value of this Var was donated to '"), stateError(unnamed::value));
    }

    @Test
    void aNullParameterValueOrLinearArgumentIsNamed() {
        assertEquals("parameter value must not be null (w_hh)", argumentError(() -> Var.param(null, "w_hh")));
        assertEquals("parameter value must not be null", argumentError(() -> Var.param(null)));
        Var x = Var.constant(Tensor.zeros(2, 3));
        Var w = Var.param(Tensor.zeros(4, 3));
        assertEquals("linear: x must not be null", argumentError(() -> Ops.linear(null, w, null)));
        assertEquals("linear: weight must not be null", argumentError(() -> Ops.linear(x, null, null)));
    }
}
