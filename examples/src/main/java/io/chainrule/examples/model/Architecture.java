package io.chainrule.examples.model;

import java.util.Locale;

/**
 * How a model's recurrent cells are arranged: {@code layers} stacked layers, each with a reverse
 * direction when {@code bidirectional}, and dropout of probability {@code dropout} between the
 * layers while training (PyTorch's {@code num_layers}, {@code bidirectional}, {@code dropout}).
 */
public record Architecture(int layers, boolean bidirectional, double dropout) {

    /** One layer, one direction, no dropout: the model as it always was. */
    public static final Architecture ONE_LAYER = new Architecture(1, false, 0.0);

    public Architecture {
        if (layers <= 0) {
            throw new IllegalArgumentException("--layers must be positive, got " + layers);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Whether this is {@link #ONE_LAYER}. */
    public boolean isOneLayer() {
        return equals(ONE_LAYER);
    }

    /** ", 2 layers, bidirectional, dropout 0.2" (empty for one layer). */
    public String describe() {
        if (isOneLayer()) {
            return "";
        }
        return String.format(Locale.ROOT, ", %d layer%s%s%s", layers, layers == 1 ? "" : "s",
                bidirectional ? ", bidirectional" : "", dropout > 0 ? ", dropout " + dropout : "");
    }
}
