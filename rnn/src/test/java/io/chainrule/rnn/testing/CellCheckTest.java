package io.chainrule.rnn.testing;

import io.chainrule.autodiff.Gradients;
import io.chainrule.autodiff.Op;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit's one call passes a right cell and catches a wrong gradient, naming where it is. */
class CellCheckTest {

    /** tanh whose backward is off by a factor {@code 1 + skew}. */
    static final class SkewedTanh extends Op {
        private final double skew;

        private SkewedTanh(Var x, double skew) {
            super("skewed-tanh", x);
            this.skew = skew;
        }

        static Var apply(Var x, double skew) {
            SkewedTanh op = new SkewedTanh(x, skew);
            Tensor y = x.value().tanh();
            op.save(y);
            return op.output(y);
        }

        @Override
        protected void backward(Gradients g) {
            Tensor y = saved(0);
            g.set(0, g.output().mul(y.square().neg().add(1.0)).mul(1 + skew));
        }
    }

    /** h' = tanh(x Wᵀ + b + h Uᵀ), the tanh being {@link SkewedTanh}. */
    static Cell elman(double skew, long seed) {
        Var w = Var.param(Tensor.randn(seed, 0.5, 3, 2), "W");
        Var u = Var.param(Tensor.randn(seed + 1, 0.5, 3, 3), "U");
        Var b = Var.param(Tensor.randn(seed + 2, 0.5, 3), "b");
        return new Cell() {
            public List<Var> parameters() { return List.of(w, u, b); }
            public int inputSize() { return 2; }
            public int hiddenSize() { return 3; }
            public State step(Var x, State s, Params p) {
                Var z = Ops.linear(x, p.get(w), p.get(b)).add(Ops.linear(s.h(), p.get(u), null));
                return State.of(SkewedTanh.apply(z, skew));
            }
            public String name() { return "elman"; }
        };
    }

    @Test
    void aRightCellPassesUnderEveryStrategy() {
        CellCheck.Report r = CellCheck.check(elman(0, 3L), 3L).assertClose(1e-6);
        assertEquals(CellCheck.everyStrategy(CellCheck.STEPS, 3L).size(), r.strategies().size());
    }

    @Test
    void aGradientOffByOnePartInAThousandFailsNamingTheStrategyParameterAndEntry() {
        CellCheck.Report r = CellCheck.check(elman(1e-3, 3L), 3L);
        assertFalse(r.passed(1e-6), r::toString);
        assertTrue(r.maxRelativeError() > 1e-4, r::toString);
        AssertionError e = assertThrows(AssertionError.class, () -> r.assertClose(1e-6));
        assertTrue(e.getMessage().startsWith("cell check failed at tolerance 1.0E-6; worst: elman under "),
                e.getMessage());
        assertTrue(r.worst().matches("elman under \\S+: parameter '\\S+' \\[.*\\] at index \\[.*\\] \\(flat \\d+\\): "
                + "analytic \\S+, numeric \\S+, relative error \\S+"), r.worst());
    }
}
