package io.chainrule.core;

/** Elementwise binary operations with NumPy broadcasting. */
final class Broadcast {
    private Broadcast() {
    }

    enum Op {
        ADD, SUB, MUL, DIV, MAX, MIN;

        double apply(double a, double b) {
            switch (this) {
                case ADD: return a + b;
                case SUB: return a - b;
                case MUL: return a * b;
                case DIV: return a / b;
                case MAX: return Math.max(a, b);
                case MIN: return Math.min(a, b);
                default: throw new AssertionError(this);
            }
        }
    }

    static Tensor apply(Tensor a, Tensor b, Op op) {
        if (b == null) {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": the other operand is null");
        }
        int[] as = a.shape();
        int[] bs = b.shape();
        int[] out;
        try {
            out = Shape.broadcast(as, bs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": " + e.getMessage(), e);
        }
        int n = Shape.size(out);
        double[] d = new double[n];
        double[] ad = a.array();
        double[] bd = b.array();
        int ao = a.offset();
        int bo = b.offset();
        if (a.size() == n && b.size() == n) {
            loop(op, ad, ao, 1, bd, bo, 1, d, 0, n);
        } else if (b.size() == 1 && a.size() == n) {
            loop(op, ad, ao, 1, bd, bo, 0, d, 0, n);
        } else if (a.size() == 1 && b.size() == n) {
            loop(op, ad, ao, 0, bd, bo, 1, d, 0, n);
        } else if (a.size() == n && isSuffix(bs, out)) {
            int m = b.size();
            for (int base = 0; base < n; base += m) {
                loop(op, ad, ao + base, 1, bd, bo, 1, d, base, m);
            }
        } else if (b.size() == n && isSuffix(as, out)) {
            int m = a.size();
            for (int base = 0; base < n; base += m) {
                loop(op, ad, ao, 1, bd, bo + base, 1, d, base, m);
            }
        } else {
            general(op, a, b, out, d);
        }
        return Tensor.wrap(d, out);
    }

    /** True if {@code s} equals the trailing dimensions of {@code out} (leading 1s ignored). */
    private static boolean isSuffix(int[] s, int[] out) {
        // leading 1s of s do not change its layout: [1, 3] repeats along [2, 3] like [3]
        int first = 0;
        while (first < s.length && s[first] == 1) {
            first++;
        }
        int len = s.length - first;
        int lead = out.length - len;
        if (lead < 0 || (len > 0 && Shape.size(s) == 0)) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s[first + i] != out[lead + i]) {
                return false;
            }
        }
        return true;
    }

    private static void loop(Op op, double[] a, int ao, int as, double[] b, int bo, int bs,
                             double[] d, int dOff, int n) {
        if (as == 1 && bs == 1 && (op == Op.ADD || op == Op.MUL)) {
            // both operands contiguous, the common case: loops the JIT vectorizes
            if (op == Op.ADD) {
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = a[ao + i] + b[bo + i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = a[ao + i] * b[bo + i];
                }
            }
            return;
        }
        switch (op) {
            case ADD:
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = a[ao + i * as] + b[bo + i * bs];
                }
                break;
            case SUB:
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = a[ao + i * as] - b[bo + i * bs];
                }
                break;
            case MUL:
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = a[ao + i * as] * b[bo + i * bs];
                }
                break;
            case DIV:
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = a[ao + i * as] / b[bo + i * bs];
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    d[dOff + i] = op.apply(a[ao + i * as], b[bo + i * bs]);
                }
        }
    }

    private static void general(Op op, Tensor a, Tensor b, int[] out, double[] d) {
        int r = out.length;
        int[] sa = Shape.broadcastStrides(a.shape(), out);
        int[] sb = Shape.broadcastStrides(b.shape(), out);
        int last = out[r - 1];
        int n = d.length;
        int[] idx = new int[r];
        int pa = a.offset();
        int pb = b.offset();
        int pos = 0;
        while (pos < n) {
            loop(op, a.array(), pa, sa[r - 1], b.array(), pb, sb[r - 1], d, pos, last);
            pos += last;
            for (int k = r - 2; k >= 0; k--) {
                idx[k]++;
                pa += sa[k];
                pb += sb[k];
                if (idx[k] < out[k]) {
                    break;
                }
                pa -= sa[k] * out[k];
                pb -= sb[k] * out[k];
                idx[k] = 0;
            }
        }
    }
}
