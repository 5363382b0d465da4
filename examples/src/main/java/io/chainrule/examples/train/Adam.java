package io.chainrule.examples.train;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) with PyTorch's defaults and update:
 * m ← β1 m + (1 - β1) g, v ← β2 v + (1 - β2) g², p ← p - lr · m̂ / (√v̂ + ε) with the bias
 * corrections m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t). Parameters without a gradient are skipped.
 *
 * <p>A stopgap inside the program until the library's {@code io.chainrule.autodiff.optim.Adam}
 * lands; its state (t, m, v) is exposed so a run can be saved and resumed bit for bit.
 */
public final class Adam {
    static final String NAME = "adam";
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private final Map<String, Var> parameters;
    private final double lr;
    private final Map<String, Tensor> m = new LinkedHashMap<>();
    private final Map<String, Tensor> v = new LinkedHashMap<>();
    private long step;

    public Adam(Map<String, Var> parameters, double lr) {
        this.parameters = parameters;
        this.lr = lr;
        parameters.forEach((name, p) -> {
            m.put(name, Tensor.zerosLike(p.value()));
            v.put(name, Tensor.zerosLike(p.value()));
        });
    }

    /** One update from the parameters' current gradients. */
    public void step() {
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (Map.Entry<String, Var> e : parameters.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) {
                continue;
            }
            Tensor p = e.getValue().value();
            Tensor mt = m.get(e.getKey());
            Tensor vt = v.get(e.getKey());
            double[] pa = p.array();
            double[] ga = g.array();
            double[] ma = mt.array();
            double[] va = vt.array();
            int po = p.offset();
            int go = g.offset();
            for (int i = 0; i < p.size(); i++) {
                double gi = ga[go + i];
                ma[i] = BETA1 * ma[i] + (1 - BETA1) * gi;
                va[i] = BETA2 * va[i] + (1 - BETA2) * gi * gi;
                pa[po + i] -= lr * (ma[i] / c1) / (Math.sqrt(va[i] / c2) + EPS);
            }
        }
    }

    /** Forgets every parameter's gradient. */
    public void zeroGrad() {
        parameters.values().forEach(Var::zeroGrad);
    }

    /** The number of updates so far (t). */
    public long steps() {
        return step;
    }

    /** The moments as tensors named {@code m.<parameter>} and {@code v.<parameter>} (the live tensors). */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        m.forEach((k, t) -> s.put("m." + k, t));
        v.forEach((k, t) -> s.put("v." + k, t));
        return s;
    }

    /** Restores t and the moments saved by {@link #state()}, bit for bit. */
    public void load(long steps, Map<String, Tensor> saved) {
        for (Map.Entry<String, Tensor> e : state().entrySet()) {
            Tensor t = saved.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("the optimizer state lacks '" + e.getKey() + "'");
            }
            if (!t.sameShape(e.getValue())) {
                throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' has the wrong shape");
            }
            e.getValue().assignInPlace(t);
        }
        this.step = steps;
    }
}
