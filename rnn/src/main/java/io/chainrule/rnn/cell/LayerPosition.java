package io.chainrule.rnn.cell;

/**
 * Where a cell sits in a deep or bidirectional network: layer {@code k} (0 is the one reading the
 * inputs), forward or reverse direction. It names the cell's parameters as PyTorch's
 * {@code nn.RNN}, {@code nn.GRU} and {@code nn.LSTM} do, {@code weight_ih_l1_reverse} for
 * {@code weight_ih} of layer 1's reverse direction, so a state dictionary saved from
 * {@code nn.LSTM(num_layers=2, bidirectional=True)} maps one to one.
 *
 * @param layer   k ≥ 0
 * @param reverse whether the cell reads the sequence from its end
 */
public record LayerPosition(int layer, boolean reverse) {

    /** Layer 0, forward: the names of a one-layer network ({@code weight_ih_l0}). */
    public static final LayerPosition FIRST = new LayerPosition(0, false);

    public LayerPosition {
        if (layer < 0) {
            throw new IllegalArgumentException("a layer index must not be negative, got " + layer);
        }
    }

    /** Layer {@code k}, forward. */
    public static LayerPosition forward(int k) {
        return new LayerPosition(k, false);
    }

    /** Layer {@code k}, reverse. */
    public static LayerPosition backward(int k) {
        return new LayerPosition(k, true);
    }

    /** {@code base} with this position's suffix: {@code name("weight_ih")} is {@code weight_ih_l1_reverse}. */
    public String name(String base) {
        return base + "_l" + layer + (reverse ? "_reverse" : "");
    }
}
