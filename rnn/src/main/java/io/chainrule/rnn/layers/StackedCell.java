package io.chainrule.rnn.layers;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;
import io.chainrule.rnn.cell.CellFactory;
import io.chainrule.rnn.cell.LayerPosition;
import org.apache.commons.math3.random.RandomGenerator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stacked layers as one cell: layer 0 reads x_t, layer k + 1 reads layer k's new h_t within the
 * same step, and the state is the layers' states. Being a {@link Cell}, a stack gets every BPTT
 * strategy (full, truncated, randomized, checkpointed), streaming and the gradient diagnostics
 * unchanged; the layers may be built-in cells or your own.
 *
 * <pre>
 * s_t = (s_t^(0), …, s_t^(n−1)),   s_t^(0) = f_0(x_t, s_{t−1}^(0)),
 * s_t^(k) = f_k(d_k(h_t^(k−1)), s_{t−1}^(k))   for k ≥ 1
 * </pre>
 * where d_k is dropout with probability p in the {@linkplain #withDropout training form} and the
 * identity otherwise, as between the layers of PyTorch's {@code nn.LSTM(num_layers, dropout)}.
 *
 * <p><b>State layout.</b> Every layer has the same hidden size H (as in PyTorch). The state's
 * parts are the layers' parts from the top layer down, so part 0 is the top layer's h, the output
 * an output layer reads; {@link #layerState} and {@link #state(List)} convert from and to
 * one state per layer (layer 0 first, PyTorch's order of {@code h_n}). A stack of one layer has
 * exactly that cell's state and computes bitwise what the cell computes.
 *
 * <p><b>Input work.</b> Layer 0's input-only work is hoisted out of the time loop
 * ({@link #prepareInputs} is layer 0's); a layer above computes its own within the step, from
 * the layer below's h_t (a [1, B, H] sequence of one step), and its step may write its result over
 * that value, which nothing else reads.
 *
 * <p><b>Dropout</b> draws a fresh mask for every step from {@code Rng.current()}
 * ({@link Ops#dropout}), so a checkpointed segment replays the same masks and gradients stay
 * bitwise those of full BPTT. It is on only in the form {@link #withDropout} returns: that is the
 * training flag, explicit, never inferred from grad mode; {@link #inEvaluation()} is the same
 * network (the same parameter Vars) with it off. The variational form (one mask for every step of
 * a sequence) needs to know where a sequence starts, which a step does not: it is offered by the
 * layer-major {@link RecurrentNetwork}.
 */
public final class StackedCell implements Cell {
    private final List<Cell> layers;
    private final double dropout;
    private final int parts;

    private StackedCell(List<Cell> layers, double dropout) {
        this.layers = layers;
        this.dropout = dropout;
        int n = 0;
        for (Cell c : layers) {
            n += c.stateParts();
        }
        this.parts = n;
    }

    /**
     * The given layers, layer 0 first, no dropout. Layer 0 reads the inputs; each layer above
     * must read inputs of the hidden size, and every layer must have the same hidden size.
     */
    public static StackedCell of(Cell... layers) {
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("a stack needs at least one layer");
        }
        List<Cell> list = new ArrayList<>(layers.length);
        for (int k = 0; k < layers.length; k++) {
            Cell c = layers[k];
            if (c == null) {
                throw new IllegalArgumentException("layer " + k + " of the stack is null");
            }
            if (k > 0) {
                Cell below = layers[k - 1];
                if (c.hiddenSize() != below.hiddenSize()) {
                    throw new IllegalArgumentException("every layer of a stack has the same hidden size: layer " + k
                            + " (" + c.name() + ") has " + c.hiddenSize() + ", layer " + (k - 1) + " has "
                            + below.hiddenSize());
                }
                if (c.inputSize() != below.hiddenSize()) {
                    throw new IllegalArgumentException("layer " + k + " of the stack (" + c.name() + ") reads inputs of size "
                            + c.inputSize() + " but the layer below outputs h of size " + below.hiddenSize());
                }
            }
            list.add(c);
        }
        return new StackedCell(List.copyOf(list), 0.0);
    }

    /**
     * {@code count} layers made by {@code factory} ({@code LstmCell::new}, ...), named for their
     * positions as PyTorch names them ({@code weight_ih_l0}, {@code weight_ih_l1}, ...), each drawn
     * from {@code rng} in turn: layer 0 reads inputs of size {@code inputSize}, the others h.
     */
    public static StackedCell of(CellFactory factory, int inputSize, int hiddenSize, int count, RandomGenerator rng) {
        if (factory == null) {
            throw new IllegalArgumentException("the cell factory must not be null");
        }
        if (count <= 0) {
            throw new IllegalArgumentException("a stack needs at least one layer, got " + count);
        }
        Cell[] cells = new Cell[count];
        for (int k = 0; k < count; k++) {
            cells[k] = factory.create(k == 0 ? inputSize : hiddenSize, hiddenSize, LayerPosition.forward(k), rng);
        }
        return of(cells);
    }

    /**
     * The training form: the same layers (the same parameter Vars), with dropout of probability
     * {@code p} in [0, 1) on every layer's h_t but the top one's before the layer above reads it.
     */
    public StackedCell withDropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        return new StackedCell(layers, p);
    }

    /** The evaluation form: the same layers with dropout off. */
    public StackedCell inEvaluation() {
        return dropout == 0 ? this : new StackedCell(layers, 0.0);
    }

    /** The dropout probability between layers (0 in the evaluation form). */
    public double dropout() {
        return dropout;
    }

    /** The layers, layer 0 first. */
    public List<Cell> layers() {
        return layers;
    }

    /** Layer {@code k}'s part of a state of this stack. */
    public State layerState(State s, int k) {
        checkState(s);
        if (k < 0 || k >= layers.size()) {
            throw new IllegalArgumentException("layer " + k + " is not one of this stack's " + layers.size());
        }
        int from = offset(k);
        return State.of(Arrays.copyOfRange(s.parts(), from, from + layers.get(k).stateParts()));
    }

    /** The state of this stack made of one state per layer, layer 0 first. */
    public State state(List<State> perLayer) {
        if (perLayer == null || perLayer.size() != layers.size()) {
            throw new IllegalArgumentException("a state of this stack needs one state for each of its " + layers.size()
                    + " layers, got " + (perLayer == null ? "none" : perLayer.size()));
        }
        Var[] out = new Var[parts];
        for (int k = 0; k < layers.size(); k++) {
            State sk = perLayer.get(k);
            if (sk == null || sk.size() != layers.get(k).stateParts()) {
                throw new IllegalArgumentException("layer " + k + " (" + layers.get(k).name() + ") has a state of "
                        + layers.get(k).stateParts() + " parts, got " + (sk == null ? "none" : sk.size()));
            }
            System.arraycopy(sk.parts(), 0, out, offset(k), sk.size());
        }
        return State.of(out);
    }

    @Override
    public List<Var> parameters() {
        List<Var> ps = new ArrayList<>();
        for (Cell c : layers) {
            ps.addAll(c.parameters());
        }
        return ps;
    }

    @Override
    public int inputSize() {
        return layers.get(0).inputSize();
    }

    @Override
    public int hiddenSize() {
        return layers.get(0).hiddenSize();
    }

    @Override
    public int stateParts() {
        return parts;
    }

    @Override
    public Var prepareInputs(Var inputs, Params params) {
        return layers.get(0).prepareInputs(inputs, params);
    }

    @Override
    public State step(Var input, State previous, Params params) {
        Var[] prev = previous.parts();
        Var[] next = new Var[parts];
        Var in = input;
        for (int k = 0; k < layers.size(); k++) {
            Cell layer = layers.get(k);
            int from = offset(k);
            if (k > 0) {
                in = preparedWithinStep(layer, in, params);
            }
            State s;
            try {
                s = layer.step(in, State.of(Arrays.copyOfRange(prev, from, from + layer.stateParts())), params);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + k + ": " + e.getMessage(), e);
            }
            if (s == null || s.size() != layer.stateParts()) {
                throw new IllegalStateException("layer " + k + " (" + layer.name() + ") returned a state of "
                        + (s == null ? "no" : s.size()) + " parts, expected " + layer.stateParts());
            }
            System.arraycopy(s.parts(), 0, next, from, s.size());
            in = k < layers.size() - 1 ? Ops.dropout(s.h(), dropout) : s.h();
        }
        return State.of(next);
    }

    /** Layer {@code layer}'s prepared input for one step from the h below, [B, H] to what its step reads. */
    private static Var preparedWithinStep(Cell layer, Var h, Params params) {
        int[] s = h.shape();
        Var prepared = layer.prepareInputs(h.reshape(1, s[0], s[1]), params);
        int[] ps = prepared.shape();
        Var x = prepared.reshape(Arrays.copyOfRange(ps, 1, ps.length));
        if (!prepared.value().sharesStorageWith(h.value())) {
            x.donate(); // the layer's own value, read by its step alone (Cell#prepareInputs)
        }
        return x;
    }

    /** The index of layer k's first part: the top layer's parts come first. */
    private int offset(int k) {
        int at = 0;
        for (int j = layers.size() - 1; j > k; j--) {
            at += layers.get(j).stateParts();
        }
        return at;
    }

    private void checkState(State s) {
        if (s == null || s.size() != parts) {
            throw new IllegalArgumentException(name() + " has a state of " + parts + " parts, got "
                    + (s == null ? "none" : s.size()));
        }
    }

    @Override
    public String name() {
        Cell first = layers.get(0);
        if (layers.size() == 1) {
            return first.name();
        }
        boolean same = layers.stream().allMatch(c -> c.name().equals(first.name()));
        return same ? layers.size() + "-layer " + first.name() : "stack of " + layers.size() + " layers";
    }
}
