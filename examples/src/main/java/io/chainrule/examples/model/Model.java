package io.chainrule.examples.model;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.apache.commons.math3.random.Well19937c;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recurrent cell and the output layer on its hidden state. Parameters are named as in a PyTorch
 * module with submodules {@code cell} and {@code output} ({@code cell.weight_hh_l0},
 * {@code output.weight}, ...), which is how they appear in model.safetensors.
 */
public final class Model {
    public static final List<String> CELLS = List.of("linear", "rnn", "gru", "lstm");

    private final String cellName;
    private final Cell cell;
    private final OutputLayer output;
    private final Map<String, Var> parameters = new LinkedHashMap<>();

    private Model(String cellName, Cell cell, OutputLayer output) {
        this.cellName = cellName;
        this.cell = cell;
        this.output = output;
        for (Var p : cell.parameters()) {
            parameters.put("cell." + p.name(), p);
        }
        for (Var p : output.parameters()) {
            parameters.put("output." + p.name(), p);
        }
    }

    /** A freshly initialized model; the same arguments give bitwise the same parameters. */
    public static Model create(String cellName, int inputSize, int hiddenSize, int outputSize, long seed) {
        Well19937c rng = new Well19937c(seed);
        Cell cell = switch (cellName) {
            case "linear" -> new LinearCell(inputSize, hiddenSize, rng);
            case "rnn" -> new TanhRnnCell(inputSize, hiddenSize, rng);
            case "gru" -> new GruCell(inputSize, hiddenSize, rng);
            case "lstm" -> new LstmCell(inputSize, hiddenSize, rng);
            default -> throw new IllegalArgumentException("unknown cell '" + cellName + "'; expected one of " + CELLS);
        };
        return new Model(cellName, cell, new OutputLayer(hiddenSize, outputSize, true, rng));
    }

    public String cellName() {
        return cellName;
    }

    public Cell cell() {
        return cell;
    }

    public OutputLayer output() {
        return output;
    }

    /** The parameters by qualified name, in a fixed order. */
    public Map<String, Var> parameters() {
        return parameters;
    }

    /** The number of scalar parameters. */
    public long size() {
        long n = 0;
        for (Var p : parameters.values()) {
            n += p.value().size();
        }
        return n;
    }

    /** The parameter values by name (the tensors themselves, not copies). */
    public Map<String, Tensor> values() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        parameters.forEach((k, v) -> m.put(k, v.value()));
        return m;
    }

    /**
     * Copies saved values into the parameters, bit for bit. The names and shapes must match this
     * model exactly; a mismatch names the parameter.
     */
    public void load(Map<String, Tensor> saved) {
        for (String name : saved.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("the saved model has a parameter '" + name + "' that a " + cellName
                        + " model does not have (it has " + parameters.keySet() + ")");
            }
        }
        for (Map.Entry<String, Var> e : parameters.entrySet()) {
            Tensor t = saved.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("the saved model lacks the parameter '" + e.getKey() + "'");
            }
            Tensor p = e.getValue().value();
            if (!p.sameShape(t)) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' has shape " + Shape.format(p.shape())
                        + " but the saved one has shape " + Shape.format(t.shape()));
            }
            p.assignInPlace(t);
        }
    }
}
