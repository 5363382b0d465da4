package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edges of {@link StateDict}: keys that are null or empty, its size, an empty prefix when loading,
 * and a non-finite value at the very first index.
 */
class StateDictEdgeTest {

    private static String error(Supplier<?> make) {
        return assertThrows(IllegalArgumentException.class, make::get).getMessage();
    }

    @Test
    void aNullOrEmptyKeyOrPrefixIsRefused() {
        Var w = Var.param(Tensor.zeros(2), "w");
        StateDict part = StateDict.of(List.of(w));
        assertEquals("a state dict key must be a non-empty string, got null", error(() -> StateDict.builder().add(null, w)));
        assertEquals("a state dict key must be a non-empty string, got ''", error(() -> StateDict.builder().add("", w)));
        assertEquals("a state dict key must be a non-empty string, got null", error(() -> StateDict.builder().add(null, part)));
        assertEquals("a state dict key must be a non-empty string, got ''", error(() -> StateDict.builder().add("", part)));
        assertEquals("state dict key 'k': the parameter is null", error(() -> StateDict.builder().add("k", (Var) null)));
    }

    @Test
    void theSizeIsTheNumberOfParameters() {
        Var a = Var.param(Tensor.zeros(2), "a");
        Var b = Var.param(Tensor.zeros(3), "b");
        assertEquals(2, StateDict.of(List.of(a, b)).size());
        assertEquals(3, StateDict.builder().add("x", StateDict.of(List.of(a, b))).add("c", Var.param(Tensor.zeros(1))).build().size());
        assertEquals(0, StateDict.builder().build().size());
    }

    @Test
    void anEmptyPrefixLoadsTheWholeFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.safetensors");
        StateDict.of(List.of(Var.param(Tensor.vector(1.5, -2), "w"))).save(f);
        Var w = Var.param(Tensor.zeros(2), "w");
        StateDict.of(List.of(w)).load(f, "");
        assertEquals(1.5, w.value().getFlat(0), 0.0);
        assertEquals(-2.0, w.value().getFlat(1), 0.0);
    }

    @Test
    void aNonFiniteValueAtTheFirstIndexIsRefused() {
        String m = error(() -> {
            StateDict.checkValue("", "w", new int[] {2}, Tensor.vector(Double.NaN, 1));
            return null;
        });
        assertTrue(m.contains("holds NaN at index [0] (flat 0)"), m);
        StateDict.checkValue("", "w", new int[] {2}, Tensor.vector(0, 1)); // finite: no error
    }
}
