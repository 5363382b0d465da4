package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import io.chainrule.core.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named parameters: keys compose by prefixes, and loading is strict and all or nothing. */
class StateDictTest {
    private final Var w = Var.param(Tensor.randn(1L, 1.0, 3, 2), "weight");
    private final Var b = Var.param(Tensor.randn(2L, 1.0, 3), "bias");
    private final Var u = Var.param(Tensor.randn(3L, 1.0, 2, 2), "weight_hh_l0");

    private StateDict model() {
        return StateDict.builder().add("rnn", StateDict.of(List.of(u))).add("head", StateDict.of(List.of(w, b))).build();
    }

    @Test
    void keysComposeByPrefixesInOrder() {
        StateDict s = model();
        assertEquals(List.of("rnn.weight_hh_l0", "head.weight", "head.bias"), List.copyOf(s.keys()));
        assertEquals(List.of(u, w, b), s.parameters());
        assertSame(w, s.get("head.weight"));
        assertEquals(List.of("m.rnn.weight_hh_l0", "m.head.weight", "m.head.bias"), List.copyOf(s.prefixed("m").keys()));
        assertEquals(List.of("rnn.weight_hh_l1", "head.weight", "head.bias"),
                List.copyOf(s.renamed(k -> k.replace("_l0", "_l1")).keys()));
        assertEquals(6 + 3 + 4, s.count());
    }

    @Test
    void loadingCopiesEveryBitAndCountsTheWrite() {
        StateDict s = model();
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put("head.bias", Tensor.vector(-0.0, Double.MIN_VALUE, 1e300));
        values.put("head.weight", Tensor.randn(9L, 1.0, 3, 2));
        values.put("rnn.weight_hh_l0", Tensor.randn(10L, 1.0, 2, 2));
        int before = w.value().version();
        s.load(values);
        for (String k : values.keySet()) {
            assertTrue(values.get(k).bitwiseEquals(s.get(k).value()), k);
        }
        assertTrue(w.value().version() > before, "the write is counted");
    }

    @Test
    void aWrongShapeIsNamedAndNothingIsLoaded() {
        StateDict s = model();
        Tensor old = u.value().copy();
        Map<String, Tensor> values = new LinkedHashMap<>(s.values());
        values.put("rnn.weight_hh_l0", Tensor.zeros(2, 2));
        values.put("head.weight", Tensor.zeros(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.load(values, "m.safetensors"));
        assertEquals("m.safetensors: key 'head.weight': expected shape [3, 2], found [2, 3]", e.getMessage());
        assertTrue(u.value().bitwiseEquals(old), "nothing changes before everything is checked");
    }

    @Test
    void missingExtraAndNonFiniteValuesAreErrorsNamingTheKey() {
        StateDict s = model();
        Map<String, Tensor> missing = new LinkedHashMap<>(s.values());
        missing.remove("head.bias");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.load(missing)).getMessage()
                .startsWith("missing key 'head.bias'"));
        Map<String, Tensor> extra = new LinkedHashMap<>(s.values());
        extra.put("head.scale", Tensor.scalar(1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.load(extra)).getMessage()
                .startsWith("unexpected key 'head.scale'"));
        Map<String, Tensor> nan = new LinkedHashMap<>(s.values());
        Tensor bad = Tensor.zeros(3, 2);
        bad.setInPlace(Double.POSITIVE_INFINITY, 2, 1);
        nan.put("head.weight", bad);
        assertEquals("key 'head.weight' [3, 2] holds Infinity at index [2, 1] (flat 5); parameters must be finite",
                assertThrows(IllegalArgumentException.class, () -> s.load(nan)).getMessage());
    }

    @Test
    void aParameterOrKeyTwiceAndUnnamedOrNonParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StateDict.builder().add("a", w).add("b", w));
        assertThrows(IllegalArgumentException.class, () -> StateDict.builder().add("a", w).add("a", b));
        assertThrows(IllegalArgumentException.class, () -> StateDict.of(List.of(Var.param(Tensor.zeros(2)))));
        assertThrows(IllegalArgumentException.class, () -> StateDict.builder().add("c", Var.constant(Tensor.zeros(2))));
    }

    @Test
    void aSavedStateLoadsBackBitForBitWholeOrAsAPartOfALargerFile(@TempDir Path dir) throws IOException {
        StateDict s = model();
        Path f = dir.resolve("model.safetensors");
        s.save(f);
        Map<String, Tensor> saved = new LinkedHashMap<>();
        s.values().forEach((k, v) -> saved.put(k, v.copy()));
        s.parameters().forEach(p -> p.value().fillInPlace(0));
        s.load(f);
        saved.forEach((k, v) -> assertTrue(v.bitwiseEquals(s.get(k).value()), k));
        StateDict head = StateDict.of(List.of(Var.param(Tensor.zeros(3, 2), "weight"), Var.param(Tensor.zeros(3), "bias")));
        head.load(f, "head");
        assertTrue(saved.get("head.weight").bitwiseEquals(head.get("weight").value()));
    }

    @Test
    void fileErrorsNameTheFileTheKeyBothShapesAndTheDtype(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("w.safetensors");
        Safetensors.save(f, Map.of("head.weight", Tensor.zeros(2, 3), "head.bias", Tensor.zeros(3),
                "rnn.weight_hh_l0", Tensor.zeros(2, 2)), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model().load(f));
        assertEquals(f + ": key 'head.weight': expected shape [3, 2] (F64 or F32), found [2, 3] F64", e.getMessage());
        Tensor nan = Tensor.zeros(3);
        nan.setInPlace(Double.NaN, 1);
        Safetensors.save(f, Map.of("head.weight", Tensor.zeros(3, 2), "head.bias", nan,
                "rnn.weight_hh_l0", Tensor.zeros(2, 2)), Map.of());
        assertEquals(f + ": key 'head.bias' [3] holds NaN at index [1] (flat 1); parameters must be finite",
                assertThrows(IllegalArgumentException.class, () -> model().load(f)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> model().load(f, "cell")).getMessage()
                .startsWith(f + ": no key begins with 'cell.'"));
    }
}
