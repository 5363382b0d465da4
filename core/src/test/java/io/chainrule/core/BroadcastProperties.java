package io.chainrule.core;

import io.chainrule.core.testing.TensorArbitraries;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;
import java.util.function.BinaryOperator;
import java.util.function.DoubleBinaryOperator;

import static io.chainrule.core.Rounding.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broadcasting binary operations, {@link Tensor#broadcastTo} and {@link Tensor#sumTo} against
 * NumPy's rule written out index by index in {@link RowMajor}.
 */
class BroadcastProperties {

    /** Two operands whose shapes both broadcast to some common target. */
    record Operands(Tensor a, Tensor b) {
        @Override
        public String toString() {
            return a + " and " + b;
        }
    }

    /** A tensor {@code source} whose shape broadcasts to the shape of {@code big}. */
    record Expansion(Tensor source, Tensor big) {
        int[] target() {
            return big.shape();
        }

        @Override
        public String toString() {
            return source + " and " + big;
        }
    }

    @Provide
    Arbitrary<Operands> compatibleOperands() {
        return TensorArbitraries.shapesOrEmpty(0, 4, 5).flatMap(target ->
                Combinators.combine(TensorArbitraries.broadcastSources(target),
                                TensorArbitraries.broadcastSources(target))
                        .flatAs((as, bs) -> Combinators.combine(TensorArbitraries.tensorsWithSpecials(as),
                                TensorArbitraries.tensorsWithSpecials(bs)).as(Operands::new)));
    }

    @Provide
    Arbitrary<Expansion> expansions() {
        return TensorArbitraries.shapesOrEmpty(0, 4, 5).flatMap(target ->
                TensorArbitraries.broadcastSources(target).flatMap(source -> Combinators.combine(
                        TensorArbitraries.tensorsWithSpecials(source),
                        TensorArbitraries.tensorsWithSpecials(target)).as(Expansion::new)));
    }

    @Provide
    Arbitrary<Expansion> finiteExpansions() {
        return TensorArbitraries.shapesOrEmpty(0, 4, 6).flatMap(target ->
                TensorArbitraries.broadcastSources(target).flatMap(source -> Combinators.combine(
                        TensorArbitraries.tensors(source),
                        TensorArbitraries.tensors(target)).as(Expansion::new)));
    }

    private record BinaryOp(String name, BinaryOperator<Tensor> tensorOp, DoubleBinaryOperator scalarOp) {
    }

    private static final BinaryOp[] OPS = {
        new BinaryOp("add", Tensor::add, (x, y) -> x + y),
        new BinaryOp("sub", Tensor::sub, (x, y) -> x - y),
        new BinaryOp("mul", Tensor::mul, (x, y) -> x * y),
        new BinaryOp("div", Tensor::div, (x, y) -> x / y),
        new BinaryOp("maximum", Tensor::maximum, Math::max),
        new BinaryOp("minimum", Tensor::minimum, Math::min),
    };

    @Property(tries = 400)
    void binaryOpsEqualTheOpOnExplicitlyExpandedOperands(@ForAll("compatibleOperands") Operands p) {
        check(p.a(), p.b());
        check(p.b(), p.a());
    }

    private static void check(Tensor a, Tensor b) {
        int[] out = RowMajor.broadcast(a.shape(), b.shape());
        Tensor ea = a.broadcastTo(out);
        Tensor eb = b.broadcastTo(out);
        double[] aBefore = a.toArray();
        double[] bBefore = b.toArray();
        for (BinaryOp op : OPS) {
            Tensor got = op.tensorOp().apply(a, b);
            assertArrayEquals(out, got.shape(), op.name() + " result shape");
            for (int i = 0; i < got.size(); i++) {
                double want = op.scalarOp().applyAsDouble(ea.getFlat(i), eb.getFlat(i));
                assertSameBits(want, got.getFlat(i), op.name() + " at " + Arrays.toString(RowMajor.unravel(i, out)));
            }
        }
        assertArrayEquals(aBefore, a.toArray(), "left operand unchanged");
        assertArrayEquals(bBefore, b.toArray(), "right operand unchanged");
    }

    @Property(tries = 300)
    void broadcastToCopiesEachElementFromItsSourceIndex(@ForAll("expansions") Expansion e) {
        Tensor x = e.source();
        int[] target = e.target();
        Tensor got = x.broadcastTo(target);
        assertArrayEquals(target, got.shape());
        for (int i = 0; i < got.size(); i++) {
            int[] idx = RowMajor.unravel(i, target);
            assertSameBits(x.get(RowMajor.sourceIndex(idx, x.shape())), got.getFlat(i), Arrays.toString(idx));
        }
    }

    /**
     * Each output element of sumTo is the sum, in row-major order, of the elements broadcast from
     * it, bit for bit.
     */
    @Property(tries = 300)
    void sumToAddsEveryElementIntoItsBroadcastSource(@ForAll("expansions") Expansion e) {
        int[] small = e.source().shape();
        int[] target = e.target();
        Tensor y = e.big();
        // left fold from the first term: -0.0 is the exact identity of IEEE addition, so a sum of
        // one element is that element; a sum of no elements is +0.0.
        double[] want = new double[RowMajor.size(small)];
        int[] terms = new int[want.length];
        Arrays.fill(want, -0.0);
        for (int i = 0; i < y.size(); i++) {
            int j = RowMajor.ravel(RowMajor.sourceIndex(RowMajor.unravel(i, target), small), small);
            want[j] += y.getFlat(i);
            terms[j]++;
        }
        for (int j = 0; j < want.length; j++) {
            if (terms[j] == 0) {
                want[j] = 0.0;
            }
        }
        Tensor got = y.sumTo(small);
        assertArrayEquals(small, got.shape());
        for (int j = 0; j < want.length; j++) {
            assertSameBits(want[j], got.getFlat(j), Arrays.toString(RowMajor.unravel(j, small)));
        }
    }

    /**
     * {@code <broadcastTo(x), y> = <x, sumTo(y)>}. Both sides add the same N products in different
     * orders (the right side in two stages of c and N/c terms), so each is within gamma(N+1) * S of
     * the exact value, S = sum |broadcastTo(x)| |y|; hence they differ by at most 2 gamma(N+1) S.
     */
    @Property(tries = 300)
    void sumToIsTheAdjointOfBroadcastTo(@ForAll("finiteExpansions") Expansion e) {
        Tensor x = e.source();
        int[] target = e.target();
        Tensor y = e.big();
        Tensor bx = x.broadcastTo(target);
        double left = bx.dot(y);
        double right = x.dot(y.sumTo(x.shape()));
        double s = bx.abs().dot(y.abs());
        double bound = 2 * Rounding.gamma(y.size() + 1) * s;
        assertTrue(Math.abs(left - right) <= bound,
                () -> "<broadcastTo(x), y> = " + left + " but <x, sumTo(y)> = " + right + ", bound " + bound);
    }

    @Property(tries = 200)
    void addInPlaceOfABroadcastSourceEqualsAdd(@ForAll("expansions") Expansion e) {
        Tensor x = e.source();
        int[] target = e.target();
        Tensor t = e.big();
        double[] xBefore = x.toArray();
        Tensor want = t.add(x);
        Tensor receiver = t.copy();
        Tensor returned = receiver.addInPlace(x);
        assertTrue(returned == receiver, "addInPlace returns its receiver");
        assertTrue(want.bitwiseEquals(receiver), () -> "addInPlace gave " + receiver + ", add gave " + want);
        assertArrayEquals(xBefore, x.toArray(), "operand unchanged");
    }
}
