package io.chainrule.rnn.layers;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.State;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.CellFactory;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LstmCell;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 2-layer bidirectional LSTM and GRU with PyTorch's weights (loaded by their PyTorch names)
 * give PyTorch's outputs, final states and gradients (of the weights, the inputs and the initial
 * states) within 1e-12 of each tensor's largest entry, float64. The fixtures are written by
 * {@code rnn/src/test/python/pytorch_parity.py} with Debian's python3-torch.
 */
class PyTorchParityTest {
    static final double TOLERANCE = 1e-12;

    static Map<String, Tensor> read(String resource) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (InputStream in = PyTorchParityTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] head = line.split(" ");
                int[] shape = head.length < 2 ? new int[0]
                        : java.util.Arrays.stream(head[1].split(",")).mapToInt(Integer::parseInt).toArray();
                String[] values = r.readLine().trim().split(" ");
                double[] data = new double[values.length];
                for (int i = 0; i < data.length; i++) {
                    data[i] = Double.parseDouble(values[i]);
                }
                out.put(head[0], Tensor.wrap(data, shape));
            }
        }
        return out;
    }

    /** max |a − b| / max |b|. */
    static double relative(Tensor a, Tensor b) {
        double scale = b.maxAbsDiff(Tensor.zerosLike(b));
        return a.maxAbsDiff(b) / (scale == 0 ? 1 : scale);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru"})
    void aTwoLayerBidirectionalNetworkWithPyTorchsWeightsComputesPyTorchsValuesAndGradients(String kind) throws IOException {
        Map<String, Tensor> f = read("/io/chainrule/rnn/layers/pytorch-" + kind + "-2-bidirectional.txt");
        Tensor x0 = f.get("x");
        int layers = 2;
        int hidden = f.get("h0").dim(2);
        int batch = x0.dim(1);
        CellFactory factory = kind.equals("lstm") ? LstmCell::new : GruCell::new;
        RecurrentNetwork net = RecurrentNetwork.of(factory, x0.dim(2), hidden, layers, true, new Well19937c(0));
        for (Var p : net.parameters()) {
            Tensor w = f.get(p.name());
            assertNotNull(w, "the fixture has no " + p.name());
            p.value().assignInPlace(w);
        }
        boolean lstm = kind.equals("lstm");
        Var x = Var.param(x0.copy(), "x");
        List<Var> h0 = new ArrayList<>();
        List<Var> c0 = new ArrayList<>();
        List<State> initial = new ArrayList<>();
        for (int j = 0; j < 2 * layers; j++) {
            h0.add(Var.param(f.get("h0").row(j).copy(), "h0[" + j + "]"));
            if (lstm) {
                c0.add(Var.param(f.get("c0").row(j).copy(), "c0[" + j + "]"));
                initial.add(State.of(h0.get(j), c0.get(j)));
            } else {
                initial.add(State.of(h0.get(j)));
            }
        }
        RecurrentNetwork.Result result = net.apply(x, initial, Bptt.full());
        Var loss = result.outputs().mul(Var.constant(f.get("r"))).sum();
        for (int j = 0; j < 2 * layers; j++) {
            State s = result.finalStates().get(j);
            loss = loss.add(s.h().mul(Var.constant(f.get("r_h").row(j))).sum());
            if (lstm) {
                loss = loss.add(s.get(1).mul(Var.constant(f.get("r_c").row(j))).sum());
            }
        }
        loss.backward();

        Map<String, Double> errors = new LinkedHashMap<>();
        errors.put("out", relative(result.outputs().value(), f.get("out")));
        errors.put("loss", relative(loss.value(), f.get("loss").reshape()));
        for (int j = 0; j < 2 * layers; j++) {
            State s = result.finalStates().get(j);
            errors.put("h_n[" + j + "]", relative(s.h().value(), f.get("h_n").row(j)));
            if (lstm) {
                errors.put("c_n[" + j + "]", relative(s.get(1).value(), f.get("c_n").row(j)));
            }
            errors.put("grad.h0[" + j + "]", relative(h0.get(j).grad(), f.get("grad.h0").row(j)));
            if (lstm) {
                errors.put("grad.c0[" + j + "]", relative(c0.get(j).grad(), f.get("grad.c0").row(j)));
            }
        }
        for (Var p : net.parameters()) {
            errors.put("grad." + p.name(), relative(p.grad(), f.get("grad." + p.name())));
        }
        errors.put("grad.x", relative(x.grad(), f.get("grad.x")));
        double worst = 0;
        String where = "";
        for (Map.Entry<String, Double> e : errors.entrySet()) {
            if (!(e.getValue() <= worst)) {
                worst = e.getValue();
                where = e.getKey();
            }
        }
        System.out.printf(Locale.ROOT, "PyTorch parity, 2-layer bidirectional %s: %d tensors, largest relative difference %.2e (%s)%n",
                kind, errors.size(), worst, where);
        for (Map.Entry<String, Double> e : errors.entrySet()) {
            double err = e.getValue();
            assertTrue(err <= TOLERANCE, kind + " " + e.getKey() + ": relative difference " + err + " > " + TOLERANCE);
        }
    }
}
