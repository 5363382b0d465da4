/**
 * Recurrent networks on the autodiff engine: the {@code Cell} contract and cells, unrolling as
 * weight-tied graph expansion, BPTT strategies, gradient diagnostics, and references without the
 * engine (the linear RNN's closed form, a hand-written BPTT). {@code io.chainrule.rnn.testing} is
 * the kit for testing cells: a random problem, one call that checks a cell under every strategy,
 * and jqwik generators of cells and strategies (jqwik is an optional dependency).
 */
module io.chainrule.rnn {
    requires transitive io.chainrule.autodiff;
    requires static net.jqwik.api;

    exports io.chainrule.rnn;
    exports io.chainrule.rnn.bptt;
    exports io.chainrule.rnn.cell;
    exports io.chainrule.rnn.diagnostics;
    exports io.chainrule.rnn.layers;
    exports io.chainrule.rnn.reference;
    exports io.chainrule.rnn.testing;
}
