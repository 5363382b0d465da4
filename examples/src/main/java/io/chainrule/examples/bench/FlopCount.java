package io.chainrule.examples.bench;

/**
 * The floating-point operations of one forward and backward pass of a recurrent cell, counting
 * the matrix products only (a multiply-add is 2 FLOPs; elementwise work such as tanh and the gate
 * arithmetic is left out, as is customary).
 *
 * <p>For the tanh RNN, h_t = tanh(x_t W_ihᵀ + h_{t−1} W_hhᵀ + b), with T steps, B sequences, input
 * size D and hidden size H:
 * <pre>
 *   forward:   2·T·B·D·H  (input products)   + 2·T·B·H²  (recurrent products)
 *   backward:  2·T·B·D·H  (∂L/∂W_ih)         + 2·T·B·H²  (∂L/∂W_hh) + 2·T·B·H² (∂L/∂h_{t−1})
 *              (no ∂L/∂x: the inputs are data)
 *   total:     4·T·B·D·H + 6·T·B·H²
 * </pre>
 * The linear RNN has the same products. A cell whose recurrent weight stacks G gate blocks
 * ([G·H, D] and [G·H, H]) multiplies every product by G: G = 3 for the GRU (r, z, n), G = 4 for
 * the LSTM (i, f, g, o). An output layer is not included.
 */
public final class FlopCount {
    private FlopCount() {
    }

    /** G: the gate blocks stacked in the cell's weights. */
    public static int gates(String cell) {
        return switch (cell) {
            case "linear", "rnn" -> 1;
            case "gru" -> 3;
            case "lstm" -> 4;
            default -> throw new IllegalArgumentException("no FLOP count for the cell '" + cell + "'");
        };
    }

    /** G · (4·T·B·D·H + 6·T·B·H²). */
    public static long forwardBackward(String cell, int steps, int batch, int input, int hidden) {
        long tb = (long) steps * batch;
        return gates(cell) * (4 * tb * input * hidden + 6 * tb * hidden * (long) hidden);
    }
}
