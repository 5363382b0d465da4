package io.chainrule.rnn.cell;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * State dicts saved from PyTorch load into the matching chainrule cell: a {@code torch.nn.GRU} in
 * float32 and a {@code torch.nn.LSTM} in float64, written by {@code scripts/pytorch_interop.py
 * fixture} (PyTorch 1.13, its own safetensors writer) with PyTorch's hidden states for the same
 * inputs (float64; the float32 weights widened exactly). The cells reproduce them within 1e-12.
 */
class PyTorchFixtureTest {

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(PyTorchFixtureTest.class.getResource("/io/chainrule/rnn/pytorch/" + name).toURI());
    }

    private static void reproduces(String file, String dtype, Function<Map<String, Tensor>, Cell> fromState)
            throws IOException, URISyntaxException {
        SafetensorsFile state = Safetensors.load(fixture(file + ".safetensors"));
        state.dtypes().values().forEach(d -> assertEquals(dtype, d, file));
        Cell cell = fromState.apply(state.tensors());
        SafetensorsFile io = Safetensors.load(fixture(file + "-io.safetensors"));
        Tensor x = io.tensor("x");
        Tensor want = io.tensor("h");
        List<State> states = Unroll.states(cell, Var.constant(x), Unroll.zeroState(cell, x.dim(1)));
        assertEquals(want.dim(0), states.size());
        double worst = 0;
        for (int t = 0; t < states.size(); t++) {
            worst = Math.max(worst, states.get(t).h().value().maxAbsDiff(want.row(t)));
        }
        assertTrue(worst <= 1e-12, file + ": largest |chainrule - PyTorch| = " + worst);
        assertTrue(want.abs().maxValue() > 0.05, "the hidden states are not trivially small");
    }

    @Test
    void aFloat32GruStateDictFromPyTorchReproducesItsHiddenStates() throws Exception {
        reproduces("gru-f32", "F32", GruCell::fromState);
    }

    @Test
    void aFloat64LstmStateDictFromPyTorchReproducesItsHiddenStates() throws Exception {
        reproduces("lstm-f64", "F64", LstmCell::fromState);
    }
}
