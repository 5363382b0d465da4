package io.chainrule.examples.task;

import io.chainrule.autodiff.Rng;

/**
 * A stream of nested brackets of three kinds with filler between them, e.g.
 * {@code ..(...[......{.........}..]....)...}: each closing bracket must match the most recent
 * unclosed opener, which lies at least {@value #MIN_SPAN} symbols back, so predicting it takes
 * memory of the past, and learning it takes gradients that reach that far back: with truncated
 * BPTT shorter than {@value #MIN_SPAN} steps, no gradient ever links a closer to its opener.
 *
 * <p>The stream is a Markov chain on the stack of open brackets (kind and position). With d
 * brackets open, the next symbol is an opener (kind uniform) with probability {@value #P_OPEN} if
 * d &lt; {@value #MAX_DEPTH}, the closer of the innermost open bracket with probability
 * {@value #P_CLOSE} if that bracket has been open for at least {@value #MIN_SPAN} symbols, and
 * filler otherwise. Each symbol's true probability is known, which gives the best loss any model
 * can reach (the entropy rate).
 */
final class BracketLanguage {
    static final String SYMBOLS = "([{)]}.";
    static final int KINDS = 3;
    static final int FILLER = 6;
    static final int MAX_DEPTH = 3;
    static final int MIN_SPAN = 6;
    static final double P_OPEN = 0.2;
    static final double P_CLOSE = 0.5;

    private BracketLanguage() {
    }

    static boolean isCloser(int symbol) {
        return symbol >= KINDS && symbol < 2 * KINDS;
    }

    /**
     * One lane of the language: symbol p of the stream is a fixed function of (seed, p). Reading
     * forward is O(1) a symbol; reading from an earlier position regenerates from the start.
     */
    static final class Stream {
        private final long seed;
        private final int[] stack = new int[MAX_DEPTH];
        private final long[] openedAt = new long[MAX_DEPTH];
        private Rng rng;
        private int depth;
        private long next;      // position of the next symbol to generate
        private int last;       // symbol at next - 1
        private double lastLogProb;

        Stream(long seed) {
            this.seed = seed;
            restart();
        }

        private void restart() {
            rng = new Rng(seed);
            depth = 0;
            next = 0;
            generate();          // symbol 0
        }

        /** Symbols from..from+out.length-1 (and, when logProbs is not null, the log-probability of each). */
        void read(long from, int[] out, double[] logProbs) {
            if (from < next - 1) {
                restart();
            }
            while (next - 1 < from) {
                generate();
            }
            for (int k = 0; k < out.length; k++) {
                if (k > 0) {
                    generate();
                }
                out[k] = last;
                if (logProbs != null) {
                    logProbs[k] = lastLogProb;
                }
            }
        }

        private void generate() {
            double pOpen = depth < MAX_DEPTH ? P_OPEN : 0;
            double pClose = depth > 0 && next - openedAt[depth - 1] >= MIN_SPAN ? P_CLOSE : 0;
            double u = rng.nextDouble();
            if (u < pOpen) {
                int kind = (int) (u / pOpen * KINDS);
                openedAt[depth] = next;
                stack[depth++] = kind;
                last = kind;
                lastLogProb = Math.log(pOpen / KINDS);
            } else if (u < pOpen + pClose) {
                last = KINDS + stack[--depth];
                lastLogProb = Math.log(pClose);
            } else {
                last = FILLER;
                lastLogProb = Math.log(1 - pOpen - pClose);
            }
            next++;
        }
    }
}
