package io.chainrule.core.kernel;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;

/**
 * The pointwise part of an LSTM and a GRU step, forward and backward, one pass over the gates
 * instead of a dozen elementwise operations (and their buffers). Every element is computed with
 * exactly the operations, in exactly the order, of the composed form (the activation kernels, then
 * products and sums evaluated left to right, no fused multiply-add), so the results are bitwise
 * those of the composed cell: see the formulas on each method. float32 tensors are computed the
 * same way, each operation rounded to float32 (the activations as the float64 formula rounded
 * once, as {@link ActivationKernel} defines them).
 *
 * <p>Shapes: B rows; gate blocks of H columns side by side, in PyTorch's order (LSTM: i, f, g, o;
 * GRU: r, z, n). All tensors contiguous, of one dtype; outputs may not overlap inputs.
 */
public final class GateKernels {
    private GateKernels() {
    }

    /**
     * LSTM forward from the pre-activations {@code pre} [B, 4H] and the previous cell state
     * {@code cPrev} [B, H]: {@code act} = (σ(i), σ(f), tanh(g), σ(o)) [B, 4H], then
     * {@code c = f·cPrev + i·g}, {@code tc = tanh(c)}, {@code h = o·tc} (each [B, H]).
     */
    public static void lstmForward(Tensor pre, Tensor cPrev, Tensor act, Tensor c, Tensor tc, Tensor h) {
        int b = cPrev.dim(0);
        int hidden = cPrev.dim(1);
        activations(pre, act, b, 4 * hidden, hidden, 2);
        int n = b * hidden;
        if (pre.dtype() == DType.FLOAT32) {
            float[] a = act.floatArray();
            float[] cp = cPrev.floatArray();
            float[] cc = c.floatArray();
            int ao = act.offset();
            int cpo = cPrev.offset();
            int co = c.offset();
            for (int r = 0; r < b; r++) {
                int row = ao + r * 4 * hidden;
                for (int j = 0; j < hidden; j++) {
                    int k = r * hidden + j;
                    cc[co + k] = a[row + hidden + j] * cp[cpo + k] + a[row + j] * a[row + 2 * hidden + j];
                }
            }
            Kernels.activations().tanh(cc, co, tc.floatArray(), tc.offset(), n);
            float[] t = tc.floatArray();
            float[] hh = h.floatArray();
            int to = tc.offset();
            int ho = h.offset();
            for (int r = 0; r < b; r++) {
                int row = ao + r * 4 * hidden + 3 * hidden;
                for (int j = 0; j < hidden; j++) {
                    int k = r * hidden + j;
                    hh[ho + k] = a[row + j] * t[to + k];
                }
            }
        } else {
            double[] a = act.array();
            double[] cp = cPrev.array();
            double[] cc = c.array();
            int ao = act.offset();
            int cpo = cPrev.offset();
            int co = c.offset();
            for (int r = 0; r < b; r++) {
                int row = ao + r * 4 * hidden;
                for (int j = 0; j < hidden; j++) {
                    int k = r * hidden + j;
                    cc[co + k] = a[row + hidden + j] * cp[cpo + k] + a[row + j] * a[row + 2 * hidden + j];
                }
            }
            Kernels.activations().tanh(cc, co, tc.array(), tc.offset(), n);
            double[] t = tc.array();
            double[] hh = h.array();
            int to = tc.offset();
            int ho = h.offset();
            for (int r = 0; r < b; r++) {
                int row = ao + r * 4 * hidden + 3 * hidden;
                for (int j = 0; j < hidden; j++) {
                    int k = r * hidden + j;
                    hh[ho + k] = a[row + j] * t[to + k];
                }
            }
        }
        act.markWritten();
        c.markWritten();
        tc.markWritten();
        h.markWritten();
    }

    /**
     * LSTM backward: from the gradients of h and c ({@code dh}, {@code dc}, either may be null:
     * zero), with {@code dcTotal = dc + (dh·o)·(1 − tc²)} and {@code do = dh·tc}, writes
     * {@code dPre} [B, 4H] = ((dcTotal·g)·i·(1 − i), (dcTotal·cPrev)·f·(1 − f), (dcTotal·i)·(1 − g²),
     * do·o·(1 − o)) and {@code dcPrev} = dcTotal·f (null: not wanted).
     */
    public static void lstmBackward(Tensor act, Tensor cPrev, Tensor tc, Tensor dh, Tensor dc, Tensor dPre, Tensor dcPrev) {
        int b = cPrev.dim(0);
        int hidden = cPrev.dim(1);
        if (act.dtype() == DType.FLOAT32) {
            float[] a = act.floatArray();
            float[] cp = cPrev.floatArray();
            float[] t = tc.floatArray();
            float[] gh = dh == null ? null : dh.floatArray();
            float[] gc = dc == null ? null : dc.floatArray();
            float[] d = dPre.floatArray();
            float[] dcp = dcPrev == null ? null : dcPrev.floatArray();
            for (int r = 0; r < b; r++) {
                int row = act.offset() + r * 4 * hidden;
                int drow = dPre.offset() + r * 4 * hidden;
                for (int j = 0; j < hidden; j++) {
                    int k = r * hidden + j;
                    float i = a[row + j];
                    float f = a[row + hidden + j];
                    float g = a[row + 2 * hidden + j];
                    float o = a[row + 3 * hidden + j];
                    float tk = t[tc.offset() + k];
                    float total;
                    float dOut;
                    if (gh != null) {
                        float dhk = gh[dh.offset() + k];
                        float fromH = (dhk * o) * (1.0f - tk * tk);
                        total = gc != null ? gc[dc.offset() + k] + fromH : fromH;
                        dOut = dhk * tk;
                    } else {
                        total = gc[dc.offset() + k];
                        dOut = 0.0f;
                    }
                    d[drow + j] = (total * g) * i * (1.0f - i);
                    d[drow + hidden + j] = (total * cp[cPrev.offset() + k]) * f * (1.0f - f);
                    float dg = total * i;
                    d[drow + 2 * hidden + j] = dg * (1.0f - g * g);
                    d[drow + 3 * hidden + j] = dOut * o * (1.0f - o);
                    if (dcp != null) {
                        dcp[dcPrev.offset() + k] = total * f;
                    }
                }
            }
        } else {
            double[] a = act.array();
            double[] cp = cPrev.array();
            double[] t = tc.array();
            double[] gh = dh == null ? null : dh.array();
            double[] gc = dc == null ? null : dc.array();
            double[] d = dPre.array();
            double[] dcp = dcPrev == null ? null : dcPrev.array();
            for (int r = 0; r < b; r++) {
                int row = act.offset() + r * 4 * hidden;
                int drow = dPre.offset() + r * 4 * hidden;
                for (int j = 0; j < hidden; j++) {
                    int k = r * hidden + j;
                    double i = a[row + j];
                    double f = a[row + hidden + j];
                    double g = a[row + 2 * hidden + j];
                    double o = a[row + 3 * hidden + j];
                    double tk = t[tc.offset() + k];
                    double total;
                    double dOut;
                    if (gh != null) {
                        double dhk = gh[dh.offset() + k];
                        double fromH = (dhk * o) * (1.0 - tk * tk);
                        total = gc != null ? gc[dc.offset() + k] + fromH : fromH;
                        dOut = dhk * tk;
                    } else {
                        total = gc[dc.offset() + k];
                        dOut = 0.0;
                    }
                    d[drow + j] = (total * g) * i * (1.0 - i);
                    d[drow + hidden + j] = (total * cp[cPrev.offset() + k]) * f * (1.0 - f);
                    double dg = total * i;
                    d[drow + 2 * hidden + j] = dg * (1.0 - g * g);
                    d[drow + 3 * hidden + j] = dOut * o * (1.0 - o);
                    if (dcp != null) {
                        dcp[dcPrev.offset() + k] = total * f;
                    }
                }
            }
        }
        dPre.markWritten();
        if (dcPrev != null) {
            dcPrev.markWritten();
        }
    }

    /**
     * GRU forward from {@code xi} = x·W_ihᵀ + b_ih and {@code hh} = h·W_hhᵀ + b_hh (each [B, 3H])
     * and the previous state {@code hPrev} [B, H]: {@code act} = (r, z, n) [B, 3H] with
     * {@code r = σ(xr + hr)}, {@code z = σ(xz + hz)}, {@code n = tanh(xn + r·hn)}, and
     * {@code h = n + z·(hPrev − n)}.
     */
    public static void gruForward(Tensor xi, Tensor hh, Tensor hPrev, Tensor act, Tensor h) {
        int b = hPrev.dim(0);
        int hidden = hPrev.dim(1);
        int w = 3 * hidden;
        if (xi.dtype() == DType.FLOAT32) {
            float[] x = xi.floatArray();
            float[] y = hh.floatArray();
            float[] a = act.floatArray();
            for (int r = 0; r < b; r++) {
                int xr = xi.offset() + r * w;
                int yr = hh.offset() + r * w;
                int ar = act.offset() + r * w;
                for (int j = 0; j < 2 * hidden; j++) {
                    a[ar + j] = x[xr + j] + y[yr + j];
                }
            }
        } else {
            double[] x = xi.array();
            double[] y = hh.array();
            double[] a = act.array();
            for (int r = 0; r < b; r++) {
                int xr = xi.offset() + r * w;
                int yr = hh.offset() + r * w;
                int ar = act.offset() + r * w;
                for (int j = 0; j < 2 * hidden; j++) {
                    a[ar + j] = x[xr + j] + y[yr + j];
                }
            }
        }
        ActivationKernel k = Kernels.activations();
        for (int r = 0; r < b; r++) {
            if (act.dtype() == DType.FLOAT32) {
                k.sigmoid(act.floatArray(), act.offset() + r * w, act.floatArray(), act.offset() + r * w, 2 * hidden);
            } else {
                k.sigmoid(act.array(), act.offset() + r * w, act.array(), act.offset() + r * w, 2 * hidden);
            }
        }
        if (xi.dtype() == DType.FLOAT32) {
            float[] x = xi.floatArray();
            float[] y = hh.floatArray();
            float[] a = act.floatArray();
            for (int r = 0; r < b; r++) {
                int xr = xi.offset() + r * w;
                int yr = hh.offset() + r * w;
                int ar = act.offset() + r * w;
                for (int j = 0; j < hidden; j++) {
                    a[ar + 2 * hidden + j] = x[xr + 2 * hidden + j] + a[ar + j] * y[yr + 2 * hidden + j];
                }
                k.tanh(a, ar + 2 * hidden, a, ar + 2 * hidden, hidden);
            }
            float[] hp = hPrev.floatArray();
            float[] out = h.floatArray();
            for (int r = 0; r < b; r++) {
                int ar = act.offset() + r * w;
                for (int j = 0; j < hidden; j++) {
                    int q = r * hidden + j;
                    float n = a[ar + 2 * hidden + j];
                    out[h.offset() + q] = n + a[ar + hidden + j] * (hp[hPrev.offset() + q] - n);
                }
            }
        } else {
            double[] x = xi.array();
            double[] y = hh.array();
            double[] a = act.array();
            for (int r = 0; r < b; r++) {
                int xr = xi.offset() + r * w;
                int yr = hh.offset() + r * w;
                int ar = act.offset() + r * w;
                for (int j = 0; j < hidden; j++) {
                    a[ar + 2 * hidden + j] = x[xr + 2 * hidden + j] + a[ar + j] * y[yr + 2 * hidden + j];
                }
                k.tanh(a, ar + 2 * hidden, a, ar + 2 * hidden, hidden);
            }
            double[] hp = hPrev.array();
            double[] out = h.array();
            for (int r = 0; r < b; r++) {
                int ar = act.offset() + r * w;
                for (int j = 0; j < hidden; j++) {
                    int q = r * hidden + j;
                    double n = a[ar + 2 * hidden + j];
                    out[h.offset() + q] = n + a[ar + hidden + j] * (hp[hPrev.offset() + q] - n);
                }
            }
        }
        act.markWritten();
        h.markWritten();
    }

    /**
     * GRU backward from the gradient {@code g} of h: with {@code dn = g + -((g·z))} and
     * {@code dpre_n = dn·(1 − n²)}, writes {@code dxi} = (dr·r·(1 − r), (g·(hPrev − n))·z·(1 − z),
     * dpre_n) where {@code dr = dpre_n·hn}, {@code dhh} = (the same r and z parts, dpre_n·r), and
     * {@code dhPrev} = g·z. Any output may be null (not wanted).
     */
    public static void gruBackward(Tensor act, Tensor hh, Tensor hPrev, Tensor g, Tensor dxi, Tensor dhh, Tensor dhPrev) {
        int b = hPrev.dim(0);
        int hidden = hPrev.dim(1);
        int w = 3 * hidden;
        if (act.dtype() == DType.FLOAT32) {
            float[] a = act.floatArray();
            float[] y = hh.floatArray();
            float[] hp = hPrev.floatArray();
            float[] gg = g.floatArray();
            float[] dx = dxi == null ? null : dxi.floatArray();
            float[] dy = dhh == null ? null : dhh.floatArray();
            float[] dp = dhPrev == null ? null : dhPrev.floatArray();
            for (int r = 0; r < b; r++) {
                int ar = act.offset() + r * w;
                int yr = hh.offset() + r * w;
                for (int j = 0; j < hidden; j++) {
                    int q = r * hidden + j;
                    float gk = gg[g.offset() + q];
                    float rr = a[ar + j];
                    float z = a[ar + hidden + j];
                    float n = a[ar + 2 * hidden + j];
                    float gz = gk * z;
                    float dn = gk + -gz;
                    float dpn = dn * (1.0f - n * n);
                    float dr = dpn * y[yr + 2 * hidden + j];
                    float dpr = dr * rr * (1.0f - rr);
                    float dpz = (gk * (hp[hPrev.offset() + q] - n)) * z * (1.0f - z);
                    if (dx != null) {
                        int xr = dxi.offset() + r * w;
                        dx[xr + j] = dpr;
                        dx[xr + hidden + j] = dpz;
                        dx[xr + 2 * hidden + j] = dpn;
                    }
                    if (dy != null) {
                        int dr0 = dhh.offset() + r * w;
                        dy[dr0 + j] = dpr;
                        dy[dr0 + hidden + j] = dpz;
                        dy[dr0 + 2 * hidden + j] = dpn * rr;
                    }
                    if (dp != null) {
                        dp[dhPrev.offset() + q] = gz;
                    }
                }
            }
        } else {
            double[] a = act.array();
            double[] y = hh.array();
            double[] hp = hPrev.array();
            double[] gg = g.array();
            double[] dx = dxi == null ? null : dxi.array();
            double[] dy = dhh == null ? null : dhh.array();
            double[] dp = dhPrev == null ? null : dhPrev.array();
            for (int r = 0; r < b; r++) {
                int ar = act.offset() + r * w;
                int yr = hh.offset() + r * w;
                for (int j = 0; j < hidden; j++) {
                    int q = r * hidden + j;
                    double gk = gg[g.offset() + q];
                    double rr = a[ar + j];
                    double z = a[ar + hidden + j];
                    double n = a[ar + 2 * hidden + j];
                    double gz = gk * z;
                    double dn = gk + -gz;
                    double dpn = dn * (1.0 - n * n);
                    double dr = dpn * y[yr + 2 * hidden + j];
                    double dpr = dr * rr * (1.0 - rr);
                    double dpz = (gk * (hp[hPrev.offset() + q] - n)) * z * (1.0 - z);
                    if (dx != null) {
                        int xr = dxi.offset() + r * w;
                        dx[xr + j] = dpr;
                        dx[xr + hidden + j] = dpz;
                        dx[xr + 2 * hidden + j] = dpn;
                    }
                    if (dy != null) {
                        int dr0 = dhh.offset() + r * w;
                        dy[dr0 + j] = dpr;
                        dy[dr0 + hidden + j] = dpz;
                        dy[dr0 + 2 * hidden + j] = dpn * rr;
                    }
                    if (dp != null) {
                        dp[dhPrev.offset() + q] = gz;
                    }
                }
            }
        }
        for (Tensor t : new Tensor[] {dxi, dhh, dhPrev}) {
            if (t != null) {
                t.markWritten();
            }
        }
    }

    /** σ on every block but block {@code tanhBlock} of each row, tanh there: the LSTM's (σ, σ, tanh, σ). */
    private static void activations(Tensor pre, Tensor act, int rows, int width, int block, int tanhBlock) {
        ActivationKernel k = Kernels.activations();
        for (int r = 0; r < rows; r++) {
            int from = pre.offset() + r * width;
            int to = act.offset() + r * width;
            if (pre.dtype() == DType.FLOAT32) {
                float[] x = pre.floatArray();
                float[] y = act.floatArray();
                k.sigmoid(x, from, y, to, tanhBlock * block);
                k.tanh(x, from + tanhBlock * block, y, to + tanhBlock * block, block);
                k.sigmoid(x, from + (tanhBlock + 1) * block, y, to + (tanhBlock + 1) * block, width - (tanhBlock + 1) * block);
            } else {
                double[] x = pre.array();
                double[] y = act.array();
                k.sigmoid(x, from, y, to, tanhBlock * block);
                k.tanh(x, from + tanhBlock * block, y, to + tanhBlock * block, block);
                k.sigmoid(x, from + (tanhBlock + 1) * block, y, to + (tanhBlock + 1) * block, width - (tanhBlock + 1) * block);
            }
        }
    }
}
