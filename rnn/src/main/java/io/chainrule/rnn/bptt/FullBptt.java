package io.chainrule.rnn.bptt;

/** Full BPTT: the whole unroll is differentiated; gradients flow back to the initial state. */
final class FullBptt implements BpttStrategy {
    static final FullBptt INSTANCE = new FullBptt();

    @Override
    public Carry unroll(Chain chain, Carry start, int steps) {
        Carry c = start;
        for (int t = 0; t < steps; t++) {
            c = chain.step(t, c);
        }
        return c;
    }

    @Override
    public String name() {
        return "full";
    }

    /** Each step runs once, in order. */
    @Override
    public boolean runsEachStepOnce() {
        return true;
    }
}
