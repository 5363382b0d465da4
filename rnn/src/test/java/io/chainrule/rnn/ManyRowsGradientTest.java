package io.chainrule.rnn;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.testing.BuiltInCells;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * The hoisted input projection of a whole sequence is one product over T·B rows: with T = 40 and
 * B = 30 that is 1200 rows, so W_ih's gradient has an inner dimension past the gemm kernel's
 * first block of 256 and the engine's staging block, and b_ih's gradient sums past the row sum's
 * first chunk of 1024 rows. The BPTT gradients of the tanh RNN and the GRU (whose b_hh stays in the step) still equal finite differences.
 */
class ManyRowsGradientTest {

    @Test
    void gradientsOverTwelveHundredInputRowsMatchFiniteDifferences() {
        int steps = 40;
        int batch = 30;
        for (String name : new String[] {"rnn", "gru"}) {
            Cell cell = BuiltInCells.create(name, 2, 3, 41);
            OutputLayer head = new OutputLayer(3, 1, false, 42);
            Tensor x = Tensor.randn(43, 1.0, steps, batch, 2);
            Tensor y = Tensor.randn(44, 1.0, steps, batch, 1);
            List<Var> params = new ArrayList<>(cell.parameters());
            GradCheck.check(() -> Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, batch),
                    (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))), Bptt.full()).loss(), params)
                    .assertClose(CellGradientProperties.TOLERANCE);
        }
    }
}
