package io.chainrule.core;

import io.chainrule.core.testing.TensorArbitraries;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which results share storage with their input, as {@link Tensor} documents: {@link Tensor#reshape},
 * {@link Tensor#slice} along axis 0 and {@link Tensor#row} are views (an in-place write through
 * either is visible through the other); every other operation returns a tensor of its own, even
 * when it has nothing to change.
 */
class ViewProperties {

    private static final double MARK = 12345.5;

    /** Non-empty tensors with small dimensions, so that leading 1s are common. */
    @Provide
    Arbitrary<ShapeOpsProperties.Draw> nonEmpty() {
        return TensorArbitraries.shapes(0, 4, 3).flatMap(shape ->
                Combinators.combine(TensorArbitraries.tensors(shape), Arbitraries.longs()).as(ShapeOpsProperties.Draw::new));
    }

    @Property(tries = 200)
    void reshapeIsAViewOfTheSameSequence(@ForAll("nonEmpty") ShapeOpsProperties.Draw d) {
        Tensor t = d.t();
        Random r = new Random(d.seed());
        Tensor v = t.reshape(ShapeOpsProperties.sameSizeShape(t.size(), r));
        assertWritesAreShared(t, v, 0, r);
    }

    @Property(tries = 200)
    void sliceAlongAxisZeroIsAView(@ForAll("nonEmpty") ShapeOpsProperties.Draw d) {
        Tensor t = d.t();
        if (t.rank() == 0) {
            return;
        }
        Random r = new Random(d.seed());
        int from = r.nextInt(t.dim(0));
        int to = from + 1 + r.nextInt(t.dim(0) - from);
        Tensor v = t.slice(0, from, to);
        assertWritesAreShared(t, v, from * (t.size() / t.dim(0)), r);
    }

    @Property(tries = 200)
    void rowIsAView(@ForAll("nonEmpty") ShapeOpsProperties.Draw d) {
        Tensor t = d.t();
        if (t.rank() == 0) {
            return;
        }
        Random r = new Random(d.seed());
        int i = r.nextInt(t.dim(0));
        Tensor v = t.row(i);
        assertWritesAreShared(t, v, i * v.size(), r);
    }

    /** Writes at random positions of the view land at {@code start} + position in the base, and back. */
    private static void assertWritesAreShared(Tensor base, Tensor view, int start, Random r) {
        int i = r.nextInt(view.size());
        view.setFlatInPlace(i, MARK);
        assertEquals(MARK, base.getFlat(start + i), "write through the view, read through the base");
        int j = r.nextInt(view.size());
        base.setFlatInPlace(start + j, -MARK);
        assertEquals(-MARK, view.getFlat(j), "write through the base, read through the view");
    }

    @Property(tries = 300)
    void everyOtherOperationReturnsATensorOfItsOwn(@ForAll("nonEmpty") ShapeOpsProperties.Draw d) {
        Tensor t = d.t();
        int r = t.rank();
        int[] shape = t.shape();
        Map<String, UnaryOperator<Tensor>> ops = new LinkedHashMap<>();
        ops.put("copy", Tensor::copy);
        ops.put("transpose", Tensor::transpose);
        int[] identity = new int[r];
        for (int i = 0; i < r; i++) {
            identity[i] = i;
        }
        ops.put("permute(identity)", x -> x.permute(identity));
        for (int a = 1; a < r; a++) {
            int axis = a;
            ops.put("slice(" + a + ", 0, all)", x -> x.slice(axis, 0, shape[axis]));
        }
        ops.put("broadcastTo(own shape)", x -> x.broadcastTo(shape));
        ops.put("sumTo(own shape)", x -> x.sumTo(shape));
        ops.put("sum(no axes)", x -> x.sum(new int[0], false));
        ops.put("max(no axes)", x -> x.max(new int[0], true));
        if (r > 0) {
            ops.put("concat(0, x)", x -> Tensor.concat(0, x));
        }
        ops.put("stack(x)", Tensor::stack);
        ops.put("add(zeros)", x -> x.add(Tensor.zeros(shape)));
        ops.put("add(0.0)", x -> x.add(0.0));
        ops.put("mul(1.0)", x -> x.mul(1.0));
        ops.put("map(identity)", x -> x.map(v -> v));
        ops.put("pow(1.0)", x -> x.pow(1.0));
        List<String> shared = new ArrayList<>();
        for (Map.Entry<String, UnaryOperator<Tensor>> op : ops.entrySet()) {
            Tensor result = op.getValue().apply(t);
            double before = t.getFlat(0);
            result.setFlatInPlace(0, MARK);
            if (t.getFlat(0) != before || result.array() == t.array()) {
                shared.add(op.getKey());
            }
            t.setFlatInPlace(0, before);
        }
        assertEquals(List.of(), shared, "results sharing storage with " + Shape.format(shape));
    }

    /**
     * everyOtherOperationReturnsATensorOfItsOwn, seed -8845526097023558310, shrunk to a scalar:
     * transpose of rank < 2, and broadcastTo and sumTo to the tensor's own shape, returned the
     * receiver itself.
     */
    @Example
    void operationsWithNothingToChangeStillCopy() {
        for (Tensor t : new Tensor[] {Tensor.scalar(1.5), Tensor.vector(-3.0, 2.0), Tensor.of(new double[] {1, 2}, 2, 1)}) {
            int[] s = t.shape();
            Tensor[] results = t.rank() < 2
                    ? new Tensor[] {t.transpose(), t.broadcastTo(s), t.sumTo(s)}
                    : new Tensor[] {t.broadcastTo(s), t.sumTo(s)};
            for (Tensor r : results) {
                assertTrue(r != t && r.array() != t.array(), () -> r + " shares storage with " + t);
                assertTrue(r.bitwiseEquals(t), () -> r + " differs from " + t);
            }
        }
    }

    /**
     * everyOtherOperationReturnsATensorOfItsOwn shrunk to shape [1, 1]: with every leading
     * dimension 1, slice along a later axis returned a view, not the documented copy.
     */
    @Example
    void sliceAlongALaterAxisCopiesEvenWhenLeadingDimensionsAreOne() {
        Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 1, 1, 6);
        Tensor s = t.slice(2, 1, 3);
        s.setFlatInPlace(0, MARK);
        assertEquals(2.0, t.get(0, 0, 1), "the source is unchanged");
        assertEquals(MARK, s.get(0, 0, 0));
        assertEquals(3.0, s.get(0, 0, 1));
    }
}
