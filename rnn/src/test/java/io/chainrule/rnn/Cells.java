package io.chainrule.rnn;

import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LinearCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;

/** The built-in cells by name, for parameterized tests. */
final class Cells {
    private Cells() {
    }

    static final String[] NAMES = {"linear", "rnn", "gru", "lstm"};

    static Cell create(String name, int in, int hidden, long seed) {
        switch (name) {
            case "linear": return new LinearCell(in, hidden, seed);
            case "rnn": return new TanhRnnCell(in, hidden, seed);
            case "gru": return new GruCell(in, hidden, seed);
            case "lstm": return new LstmCell(in, hidden, seed);
            default: throw new IllegalArgumentException(name);
        }
    }
}
