package io.chainrule.rnn.layers;

import io.chainrule.rnn.Cell;
import io.chainrule.rnn.CellGradientProperties;
import io.chainrule.rnn.cell.CellFactory;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.apache.commons.math3.random.Well19937c;

/** Stacks and networks of the built-in cells (and the user-defined minimal gated unit) by name, for the tests. */
final class Stacks {
    private Stacks() {
    }

    /** The built-in cells. */
    static final String[] BUILT_IN = {"linear", "rnn", "gru", "lstm"};

    /** The cells with PyTorch's layout, which a network can name for their positions. */
    static final String[] LAYOUT = {"rnn", "gru", "lstm"};

    static CellFactory factory(String name) {
        switch (name) {
            case "rnn": return TanhRnnCell::new;
            case "gru": return GruCell::new;
            case "lstm": return LstmCell::new;
            case "linear": return (in, hidden, at, rng) -> new LinearCell(in, hidden, rng);
            case "mgu": return (in, hidden, at, rng) -> CellGradientProperties.cell("mgu", in, hidden, rng.nextLong());
            default: throw new IllegalArgumentException(name);
        }
    }

    static StackedCell stack(String name, int in, int hidden, int layers, long seed) {
        return StackedCell.of(factory(name), in, hidden, layers, new Well19937c(seed));
    }

    static RecurrentNetwork network(String name, int in, int hidden, int layers, boolean bidirectional, long seed) {
        return RecurrentNetwork.of(factory(name), in, hidden, layers, bidirectional, new Well19937c(seed));
    }

    static Cell cell(String name, int in, int hidden, long seed) {
        return factory(name).create(in, hidden, io.chainrule.rnn.cell.LayerPosition.FIRST, new Well19937c(seed));
    }
}
