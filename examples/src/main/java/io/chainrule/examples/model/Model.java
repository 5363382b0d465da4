package io.chainrule.examples.model;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.CellFactory;
import io.chainrule.rnn.cell.TanhRnnCell;
import io.chainrule.rnn.layers.RecurrentNetwork;
import io.chainrule.rnn.layers.StackedCell;
import org.apache.commons.math3.random.Well19937c;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recurrent cell and the output layer on its hidden state. Parameters are named as in a PyTorch
 * module with submodules {@code cell} and {@code output} ({@code cell.weight_hh_l0},
 * {@code output.weight}, ...), which is how they appear in model.safetensors.
 *
 * <p>With an {@link Architecture} of several layers the cell is a {@link StackedCell}
 * ({@code cell.weight_ih_l1}, ...); a bidirectional model is a {@link RecurrentNetwork} run over
 * whole sequences ({@code cell.weight_ih_l0_reverse}, ...), whose output layer reads both
 * directions' h joined, [B, 2H].
 */
public final class Model {
    public static final List<String> CELLS = List.of("linear", "rnn", "gru", "lstm");

    private final String cellName;
    private final Architecture architecture;
    private final Cell cell;                  // null when bidirectional
    private final RecurrentNetwork network;   // bidirectional only
    private final OutputLayer output;
    private final Map<String, Var> parameters = new LinkedHashMap<>();

    private Model(String cellName, Architecture architecture, Cell cell, RecurrentNetwork network, OutputLayer output) {
        this.cellName = cellName;
        this.architecture = architecture;
        this.cell = cell;
        this.network = network;
        this.output = output;
        for (Var p : cell != null ? cell.parameters() : network.parameters()) {
            parameters.put("cell." + p.name(), p);
        }
        for (Var p : output.parameters()) {
            parameters.put("output." + p.name(), p);
        }
    }

    /** A freshly initialized model; the same arguments give bitwise the same parameters. */
    public static Model create(String cellName, int inputSize, int hiddenSize, int outputSize, long seed) {
        return create(cellName, Architecture.ONE_LAYER, inputSize, hiddenSize, outputSize, seed);
    }

    /** A freshly initialized model of {@code architecture}; one layer is exactly the model above. */
    public static Model create(String cellName, Architecture architecture, int inputSize, int hiddenSize, int outputSize,
                               long seed) {
        Well19937c rng = new Well19937c(seed);
        if (architecture.isOneLayer()) {
            Cell cell = switch (cellName) {
                case "linear" -> new LinearCell(inputSize, hiddenSize, rng);
                case "rnn" -> new TanhRnnCell(inputSize, hiddenSize, rng);
                case "gru" -> new GruCell(inputSize, hiddenSize, rng);
                case "lstm" -> new LstmCell(inputSize, hiddenSize, rng);
                default -> throw new IllegalArgumentException("unknown cell '" + cellName + "'; expected one of " + CELLS);
            };
            return new Model(cellName, architecture, cell, null, new OutputLayer(hiddenSize, outputSize, true, rng));
        }
        CellFactory factory = switch (cellName) {
            case "rnn" -> TanhRnnCell::new;
            case "gru" -> GruCell::new;
            case "lstm" -> LstmCell::new;
            case "linear" -> throw new IllegalArgumentException("the linear cell has no PyTorch layout to name "
                    + "layers and directions by; a deep or bidirectional model takes --cell rnn, gru or lstm");
            default -> throw new IllegalArgumentException("unknown cell '" + cellName + "'; expected one of " + CELLS);
        };
        if (architecture.bidirectional()) {
            RecurrentNetwork net = RecurrentNetwork.of(factory, inputSize, hiddenSize, architecture.layers(), true, rng);
            return new Model(cellName, architecture, null, net, new OutputLayer(2 * hiddenSize, outputSize, true, rng));
        }
        StackedCell stack = StackedCell.of(factory, inputSize, hiddenSize, architecture.layers(), rng);
        return new Model(cellName, architecture, stack, null, new OutputLayer(hiddenSize, outputSize, true, rng));
    }

    public Architecture architecture() {
        return architecture;
    }

    /** Whether the model is a bidirectional {@link #network()} rather than a {@link #cell()}. */
    public boolean bidirectional() {
        return network != null;
    }

    /** The bidirectional network in its evaluation form (dropout off). */
    public RecurrentNetwork network() {
        if (network == null) {
            throw new IllegalStateException("a " + cellName + " model of one direction has a cell, not a bidirectional network");
        }
        return network;
    }

    /** The bidirectional network in its training form (dropout between layers on). */
    public RecurrentNetwork trainingNetwork() {
        return architecture.dropout() > 0 ? network().withDropout(architecture.dropout()) : network();
    }

    /** The cell in its training form: a stack with dropout between layers when the architecture has it. */
    public Cell trainingCell() {
        return cell instanceof StackedCell s && architecture.dropout() > 0 ? s.withDropout(architecture.dropout()) : cell();
    }

    public String cellName() {
        return cellName;
    }

    /** The cell (evaluation form: no dropout); a bidirectional model has a {@link #network()} instead. */
    public Cell cell() {
        if (cell == null) {
            throw new IllegalStateException("a bidirectional model reads whole sequences: it has a network, not a cell"
                    + " that steps through time");
        }
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
