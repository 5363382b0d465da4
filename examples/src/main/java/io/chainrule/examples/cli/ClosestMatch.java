package io.chainrule.examples.cli;

import java.util.Collection;
import java.util.Locale;

/**
 * The valid name closest to a mistyped one, for "did you mean" hints: the smallest edit distance
 * (insertions, deletions, substitutions and swaps of neighbours, each counting 1), if it is at
 * most a third of the longer name (and at least 1, at most 3): "trian" gives "train", "--hiden"
 * gives "--hidden", "xyz" gives nothing.
 */
final class ClosestMatch {
    private ClosestMatch() {
    }

    /** The closest of {@code candidates} to {@code given}, or null when none is close. */
    static String of(String given, Collection<String> candidates) {
        if (given.length() > 100) {
            return null;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(given.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            int allowed = Math.min(3, Math.max(1, Math.max(given.length(), c.length()) / 3));
            if (d <= allowed && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** "; did you mean 'X'?" for the closest candidate, or "" when none is close. */
    static String hint(String given, Collection<String> candidates) {
        String c = of(given, candidates);
        return c == null ? "" : "; did you mean '" + c + "'?";
    }

    /** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
