package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cast}: the value in the other precision, the gradient cast back. Finite differences in
 * float64 cannot see through a rounding to float32, so the gradient is checked exactly instead: the
 * derivative of a cast is the identity, so {@code d/dx Σ cast(x) ⊙ c} is {@code c} in x's dtype.
 */
class CastProperties {

    @Property(tries = 50)
    @Covers(Cast.class)
    void theGradientThroughACastIsTheCastGradient(@ForAll @IntRange(min = 1, max = 5) int rows,
                                                  @ForAll @IntRange(min = 1, max = 6) int cols,
                                                  @ForAll boolean toFloat32, @ForAll long seed) {
        DType from = toFloat32 ? DType.FLOAT64 : DType.FLOAT32;
        DType to = toFloat32 ? DType.FLOAT32 : DType.FLOAT64;
        Var x = Var.param(Tensor.randn(seed, 1.0, rows, cols).cast(from), "x");
        Tensor c = Tensor.randn(seed + 1, 1.0, rows, cols).cast(to);
        Var y = Ops.cast(x, to);
        assertEquals(to, y.value().dtype());
        assertTrue(y.value().bitwiseEquals(x.value().cast(to)));
        y.mul(Var.constant(c)).sum().backward();
        assertEquals(from, x.grad().dtype());
        assertTrue(x.grad().bitwiseEquals(c.cast(from)), "dL/dx is c in x's dtype");
    }

    @Property(tries = 20)
    @Covers(Cast.class)
    void aRoundTripFromFloat32IsExactInValueAndGradient(@ForAll @IntRange(min = 1, max = 20) int n, @ForAll long seed) {
        Var x = Var.param(Tensor.randn(seed, 1.0, n).cast(DType.FLOAT32), "x");
        Var back = Ops.cast(Ops.cast(x, DType.FLOAT64), DType.FLOAT32);
        assertTrue(back.value().bitwiseEquals(x.value()));
        Tensor c = Tensor.randn(seed + 2, 1.0, n).cast(DType.FLOAT32);
        back.mul(Var.constant(c)).sum().backward();
        assertTrue(x.grad().bitwiseEquals(c));
        assertSame(x, Ops.cast(x, DType.FLOAT32), "a cast to the same dtype is the value itself");
    }
}
