package io.chainrule.rnn.diagnostics;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.Params;
import io.chainrule.rnn.State;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cell that reads a parameter directly instead of through the step's {@link Params}: in an
 * ordinary unroll that is the same Var, but per-step diagnostics substitute aliases for the
 * parameters, and the direct use would escape them (a step's contribution silently missing). It
 * is an error naming the parameter and the step.
 */
class DirectParameterReadTest {

    /** h' = tanh(x W_xᵀ + h W_hᵀ), reading W_h through params, and W_x through params unless {@code sloppy}. */
    private static final class Sloppy implements Cell {
        final Var wx = Var.param(Tensor.randn(1, 0.5, 3, 2), "W_x");
        final Var wh = Var.param(Tensor.randn(2, 0.5, 3, 3), "W_h");
        final boolean sloppy;

        Sloppy(boolean sloppy) {
            this.sloppy = sloppy;
        }

        public List<Var> parameters() {
            return List.of(wx, wh);
        }

        public int inputSize() {
            return 2;
        }

        public int hiddenSize() {
            return 3;
        }

        public State step(Var x, State s, Params p) {
            Var w = sloppy ? wx : p.get(wx);
            return State.of(Ops.matmul(x, false, w, true).add(Ops.matmul(s.h(), false, p.get(wh), true)).tanh());
        }
    }

    private static final Var X = Var.constant(Tensor.randn(3, 1.0, 4, 2, 2));

    @Test
    void diagnosticsOfACellThatReadsAParameterDirectlyNameTheParameter() {
        Cell cell = new Sloppy(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GradientDiagnostics.run(cell, X,
                Unroll.zeroState(cell, 2), (t, h) -> h.sum(), Bptt.full()));
        assertTrue(e.getMessage().contains("'W_x'") && e.getMessage().contains("directly")
                && e.getMessage().contains("step 0") && e.getMessage().contains("params.get"), e.getMessage());
        // the guard is lifted afterwards: the parameter reads normally again
        assertNotNull(cell.parameters().get(0).value());
        Unroll.loss(cell, X, Unroll.zeroState(cell, 2), (t, h) -> h.sum(), Bptt.full()).loss().backward();
    }

    @Test
    void aCellThatReadsEveryParameterThroughParamsIsDiagnosed() {
        Cell cell = new Sloppy(false);
        GradientDiagnostics d = GradientDiagnostics.run(cell, X, Unroll.zeroState(cell, 2), (t, h) -> h.sum(),
                Bptt.parse("checkpoint:sqrt", 0));
        for (int t = 0; t < 4; t++) {
            assertNotNull(d.contribution(cell.parameters().get(0), t), "step " + t + "'s contribution to W_x");
        }
    }
}
