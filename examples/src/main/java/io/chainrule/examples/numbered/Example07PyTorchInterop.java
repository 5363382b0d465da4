package io.chainrule.examples.numbered;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.core.io.Safetensors;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LstmCell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Weights out to PyTorch and back: a GRU's and an LSTM's state dicts saved with
 * {@code cell.stateDict().save(file)} have the keys of {@code torch.nn.GRU} / {@code torch.nn.LSTM}
 * ({@code weight_ih_l0}, {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0}), so
 * {@code load_state_dict} takes them as they are; and a cell is made back from such a file with
 * {@code GruCell.fromState(Safetensors.load(file).tensors())}.
 *
 * <p>Writes, into the directory given (default {@code pytorch-interop}), {@code gru.safetensors}
 * and {@code lstm.safetensors} and, beside each, {@code -io.safetensors} with inputs x [T, B, D]
 * and every hidden state h [T, B, H]; {@code scripts/pytorch_interop.py check} runs this and
 * compares h with PyTorch's. The example checks its own claim: the cells made back from the files
 * compute the same hidden states, bit for bit.
 */
public final class Example07PyTorchInterop {
    private Example07PyTorchInterop() {
    }

    static final int STEPS = 6;
    static final int BATCH = 3;
    static final int INPUT = 4;
    static final int HIDDEN = 5;

    public static void main(String[] args) throws IOException {
        run(System.out, Path.of(args.length > 0 ? args[0] : "pytorch-interop"));
    }

    static void run(PrintStream out, Path dir) throws IOException {
        Tensor x = Tensor.randn(7L, 1.0, STEPS, BATCH, INPUT);
        save(out, dir, "gru", new GruCell(INPUT, HIDDEN, 5L), x, GruCell::fromState);
        save(out, dir, "lstm", new LstmCell(INPUT, HIDDEN, 6L), x, LstmCell::fromState);
    }

    private static void save(PrintStream out, Path dir, String name, Cell cell, Tensor x,
                             Function<Map<String, Tensor>, Cell> fromState) throws IOException {
        Path state = dir.resolve(name + ".safetensors");
        cell.stateDict().save(state);
        Tensor h = hidden(cell, x);
        Safetensors.save(dir.resolve(name + "-io.safetensors"), Map.of("x", x, "h", h), Map.of());
        Cell back = fromState.apply(Safetensors.load(state).tensors());
        boolean same = h.bitwiseEquals(hidden(back, x));
        if (!same) {
            throw new AssertionError(name + ": the cell made from " + state + " computes other hidden states");
        }
        out.printf("%s: saved %s (keys %s) and %s-io.safetensors (x %s, h %s); made back from the file: "
                + "hidden states bitwise equal: %b%n", name, state.getFileName(), cell.stateDict().keys(), name,
                java.util.Arrays.toString(x.shape()), java.util.Arrays.toString(h.shape()), same);
    }

    /** h_1..h_T, [T, B, H], from a zero initial state (PyTorch's default). */
    private static Tensor hidden(Cell cell, Tensor x) {
        List<State> states = Unroll.states(cell, Var.constant(x), Unroll.zeroState(cell, x.dim(1)));
        Tensor[] h = new Tensor[states.size()];
        for (int t = 0; t < h.length; t++) {
            h[t] = states.get(t).h().value();
        }
        return Tensor.stack(h);
    }
}
