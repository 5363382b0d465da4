package io.chainrule.rnn.testing;

import io.chainrule.rnn.Cell;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;

import java.util.List;

/** The built-in cells by name ({@code linear}, {@code rnn}, {@code gru}, {@code lstm}), seeded, for parameterized tests. */
public final class BuiltInCells {
    private BuiltInCells() {
    }

    /** Every built-in cell's name. */
    public static final List<String> NAMES = List.of("linear", "rnn", "gru", "lstm");

    /** A built-in cell with random weights from {@code seed}. */
    public static Cell create(String name, int in, int hidden, long seed) {
        switch (name) {
            case "linear": return new LinearCell(in, hidden, seed);
            case "rnn": return new TanhRnnCell(in, hidden, seed);
            case "gru": return new GruCell(in, hidden, seed);
            case "lstm": return new LstmCell(in, hidden, seed);
            default: throw new IllegalArgumentException("unknown cell '" + name + "'; expected one of " + NAMES);
        }
    }
}
