package io.chainrule.rnn;

import io.chainrule.autodiff.Var;
import io.chainrule.rnn.testing.BuiltInCells;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PyTorch's initialization: every parameter of every built-in cell uniform in [-1/√H, 1/√H); sizes must be positive. */
class InitTest {

    @Test
    void everyParameterIsUniformInPlusMinusOneOverRootH() {
        int hidden = 16;
        double k = 1.0 / Math.sqrt(hidden);
        for (String name : BuiltInCells.NAMES) {
            for (Var p : BuiltInCells.create(name, 8, hidden, 3).parameters()) {
                double lo = p.value().minValue();
                double hi = p.value().maxValue();
                assertTrue(lo >= -k && hi < k, () -> name + " " + p.name() + " in [" + lo + ", " + hi + "], not in [-" + k + ", " + k + ")");
                assertTrue(lo < -k / 2 && hi > k / 2, () -> name + " " + p.name() + " does not spread over [-k, k): [" + lo + ", " + hi + "]");
            }
        }
    }

    @Test
    void sizesMustBePositive() {
        for (String name : BuiltInCells.NAMES) {
            IllegalArgumentException in = assertThrows(IllegalArgumentException.class, () -> BuiltInCells.create(name, 0, 3, 1));
            assertTrue(in.getMessage().contains("input size"), in.getMessage());
            IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class, () -> BuiltInCells.create(name, 2, 0, 1));
            assertTrue(hidden.getMessage().contains("hidden size"), hidden.getMessage());
        }
    }
}
