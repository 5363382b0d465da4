package io.chainrule.rnn.layers;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.core.Shape;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.SequenceOutputs;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.cell.CellFactory;
import io.chainrule.rnn.cell.LayerPosition;
import org.apache.commons.math3.random.RandomGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * Deep and bidirectional recurrent networks run layer by layer over whole sequences, the
 * counterpart of PyTorch's {@code nn.RNN}, {@code nn.GRU} and {@code nn.LSTM} with
 * {@code num_layers}, {@code bidirectional} and {@code dropout}:
 *
 * <pre>{@code
 * RecurrentNetwork lstm = RecurrentNetwork.of(LstmCell::new, 64, 256, 2, true, new Well19937c(1))
 *         .withDropout(0.2);
 * RecurrentNetwork.Result r = lstm.apply(Var.constant(x), null, Bptt.full());   // x [T, B, 64]
 * Var y = r.outputs();                                                           // [T, B, 512]
 * }</pre>
 *
 * <p><b>Layers.</b> Layer 0 reads the inputs [T, B, D]; layer k + 1 reads layer k's outputs
 * [T, B, dirs·H], all T steps at once (each layer's input product is one product over T·B rows).
 * A direction is one {@link Unroll#outputs unroll} of its cell; the reverse direction reads the
 * sequence from its end ({@link Unroll#reverseOutputs}). A bidirectional layer's outputs are the
 * two directions' joined along the last axis, forward first, as PyTorch joins them:
 * {@code outputs[t] = [h_t^→ ; h_t^←]}.
 *
 * <p><b>Parameters</b> are named and ordered as PyTorch's: for each layer k, the forward cell's
 * {@code weight_ih_lk, weight_hh_lk, bias_ih_lk, bias_hh_lk}, then the reverse cell's
 * {@code ..._lk_reverse}: a state dictionary of {@code nn.LSTM(num_layers=2, bidirectional=True)}
 * maps one to one, weight by weight. Inputs are [T, B, D]; for batch-first data [B, T, D] use
 * {@link #timeFirst}.
 *
 * <p><b>Strategies.</b> A unidirectional network takes any strategy: the scales ξ_t are drawn once
 * and applied to every layer's state edge into step t, which is the graph {@link StackedCell}
 * builds step by step (same values and gradients up to rounding: the sums run in another order). A
 * bidirectional layer reads the whole sequence in both directions, so it takes only strategies
 * that differentiate the whole sequence: full BPTT, and any strategy whose scales are all 1
 * (checkpointed full BPTT, truncation longer than the sequence). Truncated and randomized BPTT and
 * streaming cut the sequence into a past that is done with and a future not yet read, which has no
 * meaning for a direction that reads the future first; they are refused with an error naming the
 * strategy and the step.
 *
 * <p><b>Dropout</b> between layers (on every layer's outputs but the last's, as PyTorch) is on only
 * in the training forms ({@link #withDropout}, {@link #withVariationalDropout}): the training flag
 * is explicit, never inferred from grad mode; {@link #inEvaluation()} is the same network (the same
 * parameter Vars) with it off. Masks are drawn from {@code Rng.current()} ({@link Ops#dropout}).
 */
public final class RecurrentNetwork {
    private final List<Cell[]> layers;   // each: {forward} or {forward, reverse}
    private final double dropout;
    private final boolean variational;

    private RecurrentNetwork(List<Cell[]> layers, double dropout, boolean variational) {
        this.layers = layers;
        this.dropout = dropout;
        this.variational = variational;
    }

    /**
     * {@code count} layers of cells made by {@code factory} ({@code LstmCell::new}, ...), with a
     * reverse direction in each when {@code bidirectional}, named for their positions and drawn
     * from {@code rng} in PyTorch's order (l0, l0_reverse, l1, ...).
     */
    public static RecurrentNetwork of(CellFactory factory, int inputSize, int hiddenSize, int count, boolean bidirectional,
                                      RandomGenerator rng) {
        if (factory == null) {
            throw new IllegalArgumentException("the cell factory must not be null");
        }
        if (count <= 0) {
            throw new IllegalArgumentException("a network needs at least one layer, got " + count);
        }
        int dirs = bidirectional ? 2 : 1;
        List<Cell[]> layers = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int in = k == 0 ? inputSize : dirs * hiddenSize;
            Cell[] cells = new Cell[dirs];
            for (int d = 0; d < dirs; d++) {
                cells[d] = factory.create(in, hiddenSize, new LayerPosition(k, d == 1), rng);
            }
            layers.add(cells);
        }
        return of(layers);
    }

    /**
     * Given cells, layer 0 first: each entry is one cell (forward only) or two (forward, reverse);
     * every layer has the same number of directions and every cell the same hidden size H, and the
     * cells of layer k + 1 read inputs of size dirs·H.
     */
    public static RecurrentNetwork of(List<Cell[]> layers) {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        int dirs = layers.get(0) == null ? 0 : layers.get(0).length;
        if (dirs != 1 && dirs != 2) {
            throw new IllegalArgumentException("layer 0 must have one cell (forward) or two (forward, reverse), got " + dirs);
        }
        Cell first = layers.get(0)[0];
        if (first == null) {
            throw new IllegalArgumentException("layer 0's forward cell is null");
        }
        List<Cell[]> copy = new ArrayList<>(layers.size());
        for (int k = 0; k < layers.size(); k++) {
            Cell[] cells = layers.get(k);
            if (cells == null || cells.length != dirs) {
                throw new IllegalArgumentException("layer " + k + " must have " + dirs + " cell(s) like layer 0, got "
                        + (cells == null ? "none" : cells.length));
            }
            int in = k == 0 ? first.inputSize() : dirs * first.hiddenSize();
            for (int d = 0; d < dirs; d++) {
                Cell c = cells[d];
                String where = "layer " + k + (d == 1 ? " reverse" : dirs == 2 ? " forward" : "");
                if (c == null) {
                    throw new IllegalArgumentException(where + ": the cell is null");
                }
                if (c.hiddenSize() != first.hiddenSize()) {
                    throw new IllegalArgumentException(where + " (" + c.name() + ") has hidden size " + c.hiddenSize()
                            + " but layer 0 has " + first.hiddenSize() + "; every cell of a network has the same");
                }
                if (c.inputSize() != in) {
                    throw new IllegalArgumentException(where + " (" + c.name() + ") reads inputs of size " + c.inputSize()
                            + " but " + (k == 0 ? "layer 0's forward cell reads " : "the layer below outputs ") + in);
                }
            }
            copy.add(cells.clone());
        }
        return new RecurrentNetwork(List.copyOf(copy), 0.0, false);
    }

    /**
     * The training form with dropout of probability {@code p} in [0, 1) on every layer's outputs
     * but the last's, a fresh mask for every element (every step, sequence and unit): PyTorch's
     * {@code dropout} argument.
     */
    public RecurrentNetwork withDropout(double p) {
        return new RecurrentNetwork(layers, checkedDropout(p), false);
    }

    /**
     * The training form with variational dropout of probability {@code p}: one mask [1, B, dirs·H]
     * per layer and sequence, the same units dropped at every step.
     */
    public RecurrentNetwork withVariationalDropout(double p) {
        return new RecurrentNetwork(layers, checkedDropout(p), true);
    }

    /** The evaluation form: the same cells, dropout off. */
    public RecurrentNetwork inEvaluation() {
        return dropout == 0 ? this : new RecurrentNetwork(layers, 0.0, false);
    }

    private static double checkedDropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        return p;
    }

    /** The dropout probability between layers (0 in the evaluation form). */
    public double dropout() {
        return dropout;
    }

    /** Whether dropout keeps one mask per sequence. */
    public boolean variational() {
        return variational;
    }

    /** Number of layers. */
    public int layers() {
        return layers.size();
    }

    /** 1, or 2 for a bidirectional network. */
    public int directions() {
        return layers.get(0).length;
    }

    /** The cell of layer {@code k}'s forward ({@code reverse} false) or reverse direction. */
    public Cell cell(int k, boolean reverse) {
        if (k < 0 || k >= layers.size()) {
            throw new IllegalArgumentException("layer " + k + " is not one of this network's " + layers.size());
        }
        if (reverse && directions() == 1) {
            throw new IllegalArgumentException("this network has no reverse direction (it is not bidirectional)");
        }
        return layers.get(k)[reverse ? 1 : 0];
    }

    public int inputSize() {
        return layers.get(0)[0].inputSize();
    }

    public int hiddenSize() {
        return layers.get(0)[0].hiddenSize();
    }

    /** The size of an output vector: dirs·H. */
    public int outputSize() {
        return directions() * hiddenSize();
    }

    /** Every parameter, in PyTorch's order (layer by layer, forward before reverse). */
    public List<Var> parameters() {
        List<Var> ps = new ArrayList<>();
        for (Cell[] cells : layers) {
            for (Cell c : cells) {
                ps.addAll(c.parameters());
            }
        }
        return ps;
    }

    /** Zero initial states for a batch of {@code batch}, one per cell in PyTorch's order. */
    public List<State> zeroStates(int batch) {
        List<State> out = new ArrayList<>();
        for (Cell[] cells : layers) {
            for (Cell c : cells) {
                out.add(Unroll.zeroState(c, batch));
            }
        }
        return out;
    }

    /** Batch-first data [B, T, D] as the [T, B, D] this network reads (a copy in time-major order). */
    public static Var timeFirst(Var batchFirst) {
        int[] s = batchFirst.shape();
        if (s.length != 3) {
            throw new IllegalArgumentException("batch-first inputs must have shape [B, T, D], got " + Shape.format(s));
        }
        return Ops.stack(Ops.unstack(batchFirst, 1));
    }

    /** What a network computed over a sequence. */
    public record Result(Var outputs, List<State> finalStates) {

        /** [T, B, dirs·H]: the last layer's outputs, the directions joined (forward first). */
        @Override
        public Var outputs() {
            return outputs;
        }

        /** Each cell's state after the sequence, in PyTorch's order of {@code h_n} (l0, l0 reverse, l1, ...). */
        @Override
        public List<State> finalStates() {
            return finalStates;
        }
    }

    /**
     * Runs the network over {@code inputs} [T, B, D] from {@code initial} (one state per cell in
     * PyTorch's order, or null for zeros) under {@code strategy}.
     */
    public Result apply(Var inputs, List<State> initial, BpttStrategy strategy) {
        if (inputs == null || strategy == null) {
            throw new IllegalArgumentException("inputs and strategy must not be null");
        }
        int[] shape = inputs.shape();
        if (shape.length != 3) {
            throw new IllegalArgumentException("inputs must have shape [T, B, D], got " + Shape.format(shape)
                    + " (batch-first data [B, T, D]: RecurrentNetwork.timeFirst)");
        }
        int steps = shape[0];
        int batch = shape[1];
        List<State> states = initial != null ? initial : zeroStates(batch);
        int cells = layers.size() * directions();
        if (states.size() != cells) {
            throw new IllegalArgumentException("this network has " + cells + " cells (" + layers.size() + " layers x "
                    + directions() + " directions) but " + states.size() + " initial states were given");
        }
        BpttStrategy fixed = FixedScales.of(strategy, steps, directions() == 2);
        List<State> finals = new ArrayList<>(cells);
        Var x = inputs;
        for (int k = 0; k < layers.size(); k++) {
            Cell[] layer = layers.get(k);
            SequenceOutputs forward = Unroll.outputs(layer[0], x, states.get(k * layer.length), fixed);
            finals.add(forward.finalState());
            Var out = forward.outputs();
            if (layer.length == 2) {
                SequenceOutputs reverse = Unroll.reverseOutputs(layer[1], x, states.get(k * 2 + 1), fixed);
                finals.add(reverse.finalState());
                out = Ops.concat(2, out, reverse.outputs());
            }
            if (k < layers.size() - 1 && dropout > 0) {
                int[] s = out.shape();
                out = variational ? Ops.dropout(out, dropout, 1, s[1], s[2]) : Ops.dropout(out, dropout);
            }
            x = out;
        }
        return new Result(x, List.copyOf(finals));
    }

    /** A strategy's scales drawn once, for every layer's unroll, with its schedule kept. */
    private record FixedScales(double[] xi, BpttStrategy of) implements BpttStrategy {

        static BpttStrategy of(BpttStrategy strategy, int steps, boolean bidirectional) {
            double[] xi = strategy.gradientScales(steps);
            if (xi == null || xi.length != steps) {
                throw new IllegalStateException("BPTT strategy '" + strategy.name() + "' gave "
                        + (xi == null ? "no" : String.valueOf(xi.length)) + " gradient scales for " + steps + " steps");
            }
            if (bidirectional) {
                for (int t = 0; t < steps; t++) {
                    if (xi[t] != 1.0) {
                        throw new IllegalArgumentException("a bidirectional network reads the whole sequence in both "
                                + "directions, so it takes only strategies that differentiate all of it (full, "
                                + "checkpointed); BPTT strategy '" + strategy.name() + "' scales the state's gradient by "
                                + xi[t] + " at step " + t + " of " + steps + " (truncated and randomized BPTT and "
                                + "streaming need the sequence in one direction)");
                    }
                }
            }
            return new FixedScales(xi.clone(), strategy);
        }

        @Override
        public double[] gradientScales(int steps) {
            return xi.clone();
        }

        @Override
        public Schedule recompute() {
            return of.recompute();
        }

        @Override
        public String name() {
            return of.name();
        }
    }
}
