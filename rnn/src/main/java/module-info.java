/**
 * Recurrent networks on the autodiff engine: the {@code Cell} contract and cells, unrolling as
 * weight-tied graph expansion, BPTT strategies, gradient diagnostics, and references without the
 * engine (the linear RNN's closed form, a hand-written BPTT).
 */
module io.chainrule.rnn {
    requires transitive io.chainrule.autodiff;

    exports io.chainrule.rnn;
    exports io.chainrule.rnn.bptt;
    exports io.chainrule.rnn.cell;
    exports io.chainrule.rnn.diagnostics;
    exports io.chainrule.rnn.layers;
    exports io.chainrule.rnn.reference;
}
