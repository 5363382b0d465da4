package io.chainrule.rnn.bptt;

/** One step of an unrolled sequence: step t maps the carry after step t-1 to the carry after step t. */
@FunctionalInterface
public interface Chain {
    Carry step(int t, Carry carry);
}
