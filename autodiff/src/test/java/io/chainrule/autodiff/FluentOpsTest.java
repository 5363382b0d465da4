package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.UnaryOperator;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fluent operations on {@link Var} are the {@link Ops} they name, bit for bit in value and
 * gradient; {@link Ops#stack}'s gradient equals finite differences; a node lists the producers
 * of its inputs.
 */
class FluentOpsTest {

    private static void assertSameOp(String what, UnaryOperator<Var> fluent, UnaryOperator<Var> ops, Tensor x0) {
        Var a = Var.param(x0.copy());
        Var b = Var.param(x0.copy());
        Var ya = fluent.apply(a);
        Var yb = ops.apply(b);
        assertTrue(ya.value().bitwiseEquals(yb.value()), what + ": value");
        Ops.sum(Ops.mul(ya, Var.constant(Tensor.uniform(3, -1, 1, ya.shape())))).backward();
        Ops.sum(Ops.mul(yb, Var.constant(Tensor.uniform(3, -1, 1, yb.shape())))).backward();
        assertTrue(a.grad().bitwiseEquals(b.grad()), what + ": gradient");
    }

    @Test
    void fluentOperationsAreTheOpsTheyName() {
        Tensor x = Tensor.uniform(1, 0.5, 2, 3, 4);
        Var c = Var.constant(Tensor.uniform(2, 0.5, 2, 3, 4));
        assertSameOp("div", v -> v.div(c), v -> Ops.div(v, c), x);
        assertSameOp("log", Var::log, Ops::log, x);
        assertSameOp("neg", Var::neg, Ops::neg, x);
        assertSameOp("transpose", Var::transpose, Ops::transpose, x);
        assertSameOp("exp", Var::exp, Ops::exp, x);
        assertSameOp("relu", Var::relu, Ops::relu, x);
        assertSameOp("mean", Var::mean, Ops::mean, x);
        assertSameOp("pow", v -> v.pow(1.5), v -> Ops.pow(v, 1.5), x);
        assertSameOp("sub", v -> v.sub(c), v -> Ops.sub(v, c), x);
        assertSameOp("prod", v -> v.prod(Var.constant(Tensor.uniform(4, -1, 1, 4, 2))),
                v -> Ops.prod(v, Var.constant(Tensor.uniform(4, -1, 1, 4, 2))), x);
        assertSameOp("detach then add", v -> v.add(v.detach()), v -> Ops.add(v, Ops.detach(v)), x);
    }

    @Test
    void transposeSwapsTheLastTwoAxesAtAnyRank() {
        Var v = Var.param(Tensor.uniform(9, -1, 1, 3));
        assertSame(v, Ops.transpose(v), "a vector is its own transpose");
        assertSameOp("transpose of rank 4", Ops::transpose, x -> Ops.permute(x, 0, 1, 3, 2), Tensor.uniform(10, -1, 1, 2, 3, 4, 5));
    }

    @Test
    void stackMatchesFiniteDifferences() {
        GradCheck.check(v -> Ops.stack(v[0].tanh(), v[1], v[0].mul(v[1])), Tensor.uniform(5, -1, 1, 2, 3),
                Tensor.uniform(6, -1, 1, 2, 3)).assertClose(TOLERANCE);
        assertEquals(List.of(3, 2, 3), java.util.Arrays.stream(Ops.stack(Var.constant(Tensor.zeros(2, 3)),
                Var.constant(Tensor.zeros(2, 3)), Var.constant(Tensor.zeros(2, 3))).shape()).boxed().toList());
    }

    /** retainGrad keeps a recorded value's gradient and returns the value itself. */
    @Test
    void retainGradReturnsTheValueAndKeepsItsGradient() {
        Var x = Var.param(Tensor.uniform(8, -1, 1, 3), "x");
        Var t = x.tanh();
        assertSame(t, t.retainGrad());
        t.mul(Var.constant(2.0)).sum().backward();
        assertTrue(t.grad().bitwiseEquals(Tensor.full(2.0, 3)));
    }
}
