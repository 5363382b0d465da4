package io.chainrule.autodiff.op;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static io.chainrule.autodiff.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused LSTM and GRU gates: gradients equal finite differences, and values and gradients are
 * bitwise those of the same equations written with elementwise ops (in float64 and float32), with
 * gradients reaching h, c or both.
 */
class GateProperties {

    static Var[] composedLstm(Var pre, Var cPrev) {
        int h = cPrev.shape()[1];
        Var[] parts = Ops.split(pre, 1, h, h, h, h);
        Var i = parts[0].sigmoid();
        Var f = parts[1].sigmoid();
        Var g = parts[2].tanh();
        Var o = parts[3].sigmoid();
        Var c = f.mul(cPrev).add(i.mul(g));
        return new Var[] {o.mul(c.tanh()), c};
    }

    static Var composedGru(Var xi, Var hh, Var hPrev) {
        int h = hPrev.shape()[1];
        Var[] x = Ops.split(xi, 1, h, h, h);
        Var[] y = Ops.split(hh, 1, h, h, h);
        Var r = x[0].add(y[0]).sigmoid();
        Var z = x[1].add(y[1]).sigmoid();
        Var n = x[2].add(r.mul(y[2])).tanh();
        return n.add(z.mul(hPrev.sub(n)));
    }

    @Property(tries = 30)
    @Covers(LstmGates.class)
    void lstmGatesGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 4) int b,
                                                  @ForAll @IntRange(min = 1, max = 5) int h, @ForAll long seed) {
        Tensor pre = uniform(seed, -2, 2, b, 4 * h);
        Tensor c = uniform(seed + 1, -1, 1, b, h);
        Tensor wh = uniform(seed + 2, -1, 1, b, h);
        Tensor wc = uniform(seed + 3, -1, 1, b, h);
        GradCheck.check(x -> {
            Var[] hc = Ops.lstmGates(x[0], x[1]);
            return hc[0].mul(Var.constant(wh)).add(hc[1].mul(Var.constant(wc))).sum();
        }, pre, c).assertClose(TOLERANCE);
    }

    @Property(tries = 30)
    @Covers(GruGates.class)
    void gruGatesGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 4) int b,
                                                 @ForAll @IntRange(min = 1, max = 5) int h, @ForAll long seed) {
        Tensor xi = uniform(seed, -2, 2, b, 3 * h);
        Tensor hh = uniform(seed + 1, -2, 2, b, 3 * h);
        Tensor hp = uniform(seed + 2, -1, 1, b, h);
        Tensor w = uniform(seed + 3, -1, 1, b, h);
        GradCheck.check(x -> Ops.gruGates(x[0], x[1], x[2]).mul(Var.constant(w)).sum(), xi, hh, hp).assertClose(TOLERANCE);
    }

    /** 0: gradients reach h only, 1: c only, 2: both. */
    @Property(tries = 40)
    void fusedLstmGatesAreBitwiseTheComposedEquations(@ForAll @IntRange(min = 1, max = 5) int b,
                                                      @ForAll @IntRange(min = 1, max = 40) int h,
                                                      @ForAll @IntRange(min = 0, max = 2) int uses,
                                                      @ForAll boolean float32, @ForAll long seed) {
        DType d = float32 ? DType.FLOAT32 : DType.FLOAT64;
        Tensor[] fused = lstm(b, h, uses, d, seed, true);
        Tensor[] composed = lstm(b, h, uses, d, seed, false);
        for (int k = 0; k < fused.length; k++) {
            assertTrue(fused[k].bitwiseEquals(composed[k]), "value " + k + " (uses " + uses + ", " + d + ")");
        }
    }

    static Tensor[] lstm(int b, int h, int uses, DType d, long seed, boolean fused) {
        Var pre = Var.param(uniform(seed, -3, 3, b, 4 * h).cast(d), "pre");
        Var c = Var.param(uniform(seed + 1, -2, 2, b, h).cast(d), "c");
        Var[] out = fused ? Ops.lstmGates(pre.mul(1.0), c.mul(1.0)) : composedLstm(pre.mul(1.0), c.mul(1.0));
        Var wh = Var.constant(uniform(seed + 2, -1, 1, b, h).cast(d));
        Var wc = Var.constant(uniform(seed + 3, -1, 1, b, h).cast(d));
        Var loss = uses == 0 ? out[0].mul(wh).sum() : uses == 1 ? out[1].mul(wc).sum()
                : out[0].mul(wh).sum().add(out[1].mul(wc).sum());
        loss.backward();
        return new Tensor[] {out[0].value(), out[1].value(), pre.grad(), c.grad()};
    }

    @Property(tries = 40)
    void fusedGruGatesAreBitwiseTheComposedEquations(@ForAll @IntRange(min = 1, max = 5) int b,
                                                     @ForAll @IntRange(min = 1, max = 40) int h,
                                                     @ForAll boolean float32, @ForAll long seed) {
        DType d = float32 ? DType.FLOAT32 : DType.FLOAT64;
        Tensor[] fused = gru(b, h, d, seed, true);
        Tensor[] composed = gru(b, h, d, seed, false);
        for (int k = 0; k < fused.length; k++) {
            assertTrue(fused[k].bitwiseEquals(composed[k]), "value " + k + " (" + d + ")");
        }
    }

    static Tensor[] gru(int b, int h, DType d, long seed, boolean fused) {
        Var xi = Var.param(uniform(seed, -3, 3, b, 3 * h).cast(d), "xi");
        Var hh = Var.param(uniform(seed + 1, -3, 3, b, 3 * h).cast(d), "hh");
        Var hp = Var.param(uniform(seed + 2, -2, 2, b, h).cast(d), "hp");
        Var out = fused ? Ops.gruGates(xi.mul(1.0), hh.mul(1.0), hp.mul(1.0))
                : composedGru(xi.mul(1.0), hh.mul(1.0), hp.mul(1.0));
        out.mul(Var.constant(uniform(seed + 3, -1, 1, b, h).cast(d))).sum().backward();
        return new Tensor[] {out.value(), xi.grad(), hh.grad(), hp.grad()};
    }
}
