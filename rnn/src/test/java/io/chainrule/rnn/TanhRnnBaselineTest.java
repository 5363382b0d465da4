package io.chainrule.rnn;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.TanhRnnCell;
import io.chainrule.rnn.reference.TanhRnnBaseline;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

/** The hand-written baseline computes the same gradients as the engine (so the benchmark compares like with like). */
class TanhRnnBaselineTest {

    @Property(tries = 30)
    void theHandWrittenBaselineAgreesWithTheEngine(@ForAll @IntRange(min = 1, max = 12) int steps,
                                                    @ForAll @IntRange(min = 1, max = 4) int batch,
                                                    @ForAll @IntRange(min = 1, max = 5) int in,
                                                    @ForAll @IntRange(min = 1, max = 6) int hidden,
                                                    @ForAll long seed) {
        TanhRnnCell cell = new TanhRnnCell(in, hidden, seed);
        Tensor x = Tensor.randn(seed + 1, 1.0, steps, batch, in);
        Var h0 = Var.param(Tensor.randn(seed + 2, 0.5, batch, hidden), "h0");
        SequenceLoss r = Unroll.loss(cell, Var.constant(x), State.of(h0), (t, h) -> h.sum(), Bptt.full());
        r.loss().backward();
        List<Var> p = cell.parameters();
        TanhRnnBaseline.Gradients g = new TanhRnnBaseline(steps, batch, in, hidden)
                .run(x, h0.value(), p.get(0).value(), p.get(1).value(), p.get(2).value(), p.get(3).value());
        ClosedFormProperties.assertClose("loss", r.loss().value(), Tensor.scalar(g.loss));
        ClosedFormProperties.assertClose("dW_ih", g.dWih, p.get(0).grad());
        ClosedFormProperties.assertClose("dW_hh", g.dWhh, p.get(1).grad());
        ClosedFormProperties.assertClose("db_ih", g.dBih, p.get(2).grad());
        ClosedFormProperties.assertClose("db_hh", g.dBhh, p.get(3).grad());
        ClosedFormProperties.assertClose("dh0", g.dH0, h0.grad());
    }
}
