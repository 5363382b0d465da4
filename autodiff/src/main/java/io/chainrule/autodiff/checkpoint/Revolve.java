package io.chainrule.autodiff.checkpoint;

import java.math.BigInteger;

/**
 * The arithmetic of Griewank's binomial checkpointing (revolve).
 *
 * <p>{@code beta(s, r) = C(s + r, s)} steps can be reversed with {@code s} stored states when each
 * step is advanced at most {@code r} times. Reversing {@code l} steps needs at least
 * {@code p(l, s) = r·l − beta(s + 1, r − 1)} advances, where {@code beta(s, r − 1) < l ≤ beta(s, r)},
 * on top of the {@code l} recorded evaluations; equivalently {@code p(1, s) = 0},
 * {@code p(n, 1) = n(n − 1)/2} and {@code p(n, s) = min over 1 ≤ i < n of [i + p(i, s) + p(n − i, s − 1)]}:
 * advance i steps from the stored state, store the state there, reverse the last n − i steps with the
 * other s − 1 slots, then the first i with all s.
 *
 * <p>{@link #split} picks a minimizing i in constant time: with r as above, any i with
 * {@code beta(s, r − 2) ≤ i ≤ beta(s, r − 1)} and {@code beta(s − 1, r − 1) ≤ n − i ≤ beta(s − 1, r)}
 * is optimal (p is linear with slope r − 1, resp. r, on those ranges, and Pascal's rule sums the two
 * closed forms to the one for n); {@code i = min(beta(s, r − 1), n − beta(s − 1, r − 1))} is one.
 * A test checks it against the minimum for every n ≤ 2000 and s ≤ 20.
 */
final class Revolve {
    private Revolve() {
    }

    /**
     * {@code beta(s, r) = C(s + r, s)}, saturating: {@code Long.MAX_VALUE} once the computation
     * nears 2^62 (it is only compared with step counts, which are ints). 0 for r &lt; 0.
     */
    static long beta(int s, int r) {
        if (r < 0) {
            return 0;
        }
        long b = 1;
        for (int k = 1; k <= r; k++) {
            // b·(s+k)/k is C(s+k, k), an integer; stop before b·(s+k) could overflow
            long factor = (long) s + k;
            if (b > (1L << 62) / factor) {
                return Long.MAX_VALUE;
            }
            b = b * factor / k;
        }
        return b;
    }

    /** The smallest r with {@code beta(s, r) ≥ l}: how many times the busiest step is advanced. */
    static int repetitions(int l, int s) {
        int r = 0;
        long b = 1; // beta(s, r)
        while (b < l) {
            r++;
            b = b * ((long) s + r) / r; // no overflow: b < l < 2^31 and s + r < 2^32
        }
        return r;
    }

    /** The closed form {@code p(l, s)}: the fewest advances (unrecorded step evaluations) to reverse l steps with s slots. */
    static long extraForward(int l, int s) {
        if (s < 1) {
            throw new IllegalArgumentException("binomial checkpointing needs at least one slot, got " + s);
        }
        if (l <= 1) {
            return 0;
        }
        int r = repetitions(l, s);
        return BigInteger.valueOf(r).multiply(BigInteger.valueOf(l))
                .subtract(binomial(s + r, s + 1))
                .longValueExact();
    }

    /** An optimal first split i (1 ≤ i < l) for l ≥ 2 steps with s ≥ 1 slots. */
    static int split(int l, int s) {
        if (l < 2 || s < 1) {
            throw new IllegalArgumentException("no split for " + l + " steps with " + s + " slots");
        }
        if (s == 1) {
            return l - 1;
        }
        int r = repetitions(l, s);
        return (int) Math.min(beta(s, r - 1), l - beta(s - 1, r - 1));
    }

    private static BigInteger binomial(int n, int k) {
        BigInteger c = BigInteger.ONE;
        for (int j = 1; j <= k; j++) {
            c = c.multiply(BigInteger.valueOf(n - k + j)).divide(BigInteger.valueOf(j));
        }
        return c;
    }
}
