package io.chainrule.rnn;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.testing.BuiltInCells;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weight tying: a parameter used at every step receives the sum of the gradients each step would
 * give its own private copy of the parameter.
 */
class WeightTyingTest {

    @ParameterizedTest
    @ValueSource(strings = {"linear", "rnn", "gru", "lstm"})
    void aTiedParameterGetsTheSumOfThePerStepCopiesGradients(String name) {
        int steps = 7;
        int batch = 3;
        int in = 4;
        int hidden = 5;
        Cell cell = BuiltInCells.create(name, in, hidden, 11);
        OutputLayer head = new OutputLayer(hidden, 2, true, 12);
        Tensor x = Tensor.randn(13, 1.0, steps, batch, in);
        Tensor y = Tensor.randn(14, 1.0, steps, batch, 2);
        StepLoss loss = (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t)));

        // tied: one Var per parameter, used at every step
        Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, batch), loss, Bptt.full()).loss().backward();

        // untied: step t reads its own leaf copy of every parameter
        List<Map<Var, Var>> copies = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            Map<Var, Var> m = new IdentityHashMap<>();
            for (Var p : cell.parameters()) {
                m.put(p, Var.param(p.value().copy(), p.name() + "@" + t));
            }
            copies.add(m);
        }
        Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, batch), loss, Bptt.full(),
                t -> Params.substituting(copies.get(t))).loss().backward();

        for (Var p : cell.parameters()) {
            Tensor sum = Tensor.zerosLike(p.value());
            for (Map<Var, Var> m : copies) {
                sum.addInPlace(m.get(p).grad());
            }
            // the untied run's tied parameter itself was never read, so it got nothing more
            Tensor tied = p.grad();
            double err = tied.maxAbsDiff(sum) / Math.max(tied.abs().maxValue(), 1e-300);
            assertTrue(err <= 1e-12, () -> name + " " + p.name() + ": tied " + tied + " vs sum of copies " + sum);
        }
    }
}
