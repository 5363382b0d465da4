package io.chainrule.autodiff.checkpoint;

/**
 * A run of consecutive steps {@code [from, from + length)} in a layout: recorded directly when
 * {@code inner} is null ("taped"), otherwise one checkpoint keeping the state before {@code from}
 * whose recomputation lays out its steps with {@code inner}.
 */
record Part(int from, int length, Layout inner) {

    boolean taped() {
        return inner == null;
    }
}
