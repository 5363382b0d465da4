package io.chainrule.examples.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BracketLanguageTest {

    private static int[] read(BracketLanguage.Stream s, long from, int n, double[] logProbs) {
        int[] out = new int[n];
        s.read(from, out, logProbs);
        return out;
    }

    @Test
    void everyCloserMatchesTheInnermostOpenerAtLeastMinSpanBack() {
        int[] s = read(new BracketLanguage.Stream(11), 0, 50_000, null);
        Deque<int[]> open = new ArrayDeque<>();
        int closers = 0;
        for (int p = 0; p < s.length; p++) {
            if (s[p] < BracketLanguage.KINDS) {
                open.push(new int[] {s[p], p});
                assertTrue(open.size() <= BracketLanguage.MAX_DEPTH, "depth at " + p);
            } else if (BracketLanguage.isCloser(s[p])) {
                int[] opener = open.pop();
                assertEquals(opener[0] + BracketLanguage.KINDS, s[p], "closer at " + p + " matches the opener at " + opener[1]);
                assertTrue(p - opener[1] >= BracketLanguage.MIN_SPAN, "span " + (p - opener[1]) + " at " + p);
                closers++;
            } else {
                assertEquals(BracketLanguage.FILLER, s[p]);
            }
        }
        assertTrue(closers > 2_000, "the stream has plenty of brackets: " + closers);
    }

    @Test
    void symbolsAreAFunctionOfSeedAndPositionHoweverTheStreamIsRead() {
        int[] whole = read(new BracketLanguage.Stream(5), 0, 1_000, null);
        BracketLanguage.Stream s = new BracketLanguage.Stream(5);
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, 700, 750), read(s, 700, 50, null), "skipping ahead");
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, 749, 800), read(s, 749, 51, null), "continuing, one symbol of overlap");
        assertArrayEquals(java.util.Arrays.copyOfRange(whole, 100, 150), read(s, 100, 50, null), "going back");
        assertTrue(!java.util.Arrays.equals(whole, read(new BracketLanguage.Stream(6), 0, 1_000, null)), "another seed, another stream");
    }

    @Test
    void logProbabilitiesAreThoseOfTheChain() {
        double[] lp = new double[20_000];
        int[] s = read(new BracketLanguage.Stream(3), 0, lp.length, lp);
        double po = BracketLanguage.P_OPEN;
        double pc = BracketLanguage.P_CLOSE;
        // Filler takes what openers and closers leave, and either may be ruled out (full stack, young bracket).
        java.util.List<Double> filler = java.util.List.of(Math.log(1 - po - pc), Math.log(1 - po), Math.log(1 - pc), 0.0);
        for (int p = 0; p < s.length; p++) {
            if (s[p] < BracketLanguage.KINDS) {
                assertEquals(Math.log(po / BracketLanguage.KINDS), lp[p], "opener at " + p);
            } else if (BracketLanguage.isCloser(s[p])) {
                assertEquals(Math.log(pc), lp[p], "closer at " + p);
            } else {
                assertTrue(filler.contains(lp[p]), "filler at " + p + ": " + lp[p]);
            }
        }
    }
}
