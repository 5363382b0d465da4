package io.chainrule.rnn.bptt;

/**
 * Regular truncation: the gradient path through the state is cut (detached) before steps
 * τ, 2τ, 3τ, ... (0-based), so no gradient flows further back than the start of the current
 * length-τ window. Forward values are unchanged. τ ≥ T is full BPTT.
 */
final class TruncatedBptt implements BpttStrategy {
    private final int tau;

    TruncatedBptt(int tau) {
        if (tau <= 0) {
            throw new IllegalArgumentException("truncation length tau must be positive, got " + tau);
        }
        this.tau = tau;
    }

    int tau() {
        return tau;
    }

    @Override
    public Carry unroll(Chain chain, Carry start, int steps) {
        Carry c = start;
        for (int t = 0; t < steps; t++) {
            if (t > 0 && t % tau == 0) {
                c = c.withState(c.state().detach());
            }
            c = chain.step(t, c);
        }
        return c;
    }

    @Override
    public String name() {
        return "truncated:" + tau;
    }

    /** Each step runs once, in order. */
    @Override
    public boolean runsEachStepOnce() {
        return true;
    }
}
