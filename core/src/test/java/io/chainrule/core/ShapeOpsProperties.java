package io.chainrule.core;

import io.chainrule.core.testing.TensorArbitraries;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.chainrule.core.Rounding.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * reshape, permute, transpose, slice, row, concat and stack, element by element against the
 * index arithmetic that defines them.
 */
class ShapeOpsProperties {

    /** A tensor and a seed from which a property draws the rest of its arguments. */
    record Draw(Tensor t, long seed) {
        @Override
        public String toString() {
            return t + " (seed " + seed + ")";
        }
    }

    /** Parts to concatenate along {@code axis} (as passed, possibly negative). */
    record Parts(Tensor[] parts, int axis) {
        @Override
        public String toString() {
            return "axis " + axis + ": " + Arrays.toString(parts);
        }
    }

    @Provide
    Arbitrary<Draw> tensorsAndSeeds() {
        return TensorArbitraries.shapesOrEmpty(0, 4, 5).flatMap(shape ->
                Combinators.combine(TensorArbitraries.tensorsWithSpecials(shape), Arbitraries.longs()).as(Draw::new));
    }

    @Provide
    Arbitrary<Parts> concatenations() {
        return Combinators.combine(TensorArbitraries.shapes(1, 4, 4), Arbitraries.longs()).flatAs((shape, seed) -> {
            Random r = new Random(seed);
            int rank = shape.length;
            int axis = r.nextInt(rank);
            int count = 1 + r.nextInt(4);
            List<Arbitrary<Tensor>> parts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int[] s = shape.clone();
                s[axis] = r.nextInt(5);
                parts.add(TensorArbitraries.tensorsWithSpecials(s));
            }
            int passed = r.nextBoolean() ? axis - rank : axis;
            return Combinators.combine(parts).as(list -> new Parts(list.toArray(new Tensor[0]), passed));
        });
    }

    @Provide
    Arbitrary<Tensor[]> equalShapes() {
        return Combinators.combine(TensorArbitraries.shapesOrEmpty(0, 3, 4), Arbitraries.integers().between(1, 4))
                .flatAs((shape, count) -> TensorArbitraries.tensorsWithSpecials(shape).list().ofSize(count)
                        .map(l -> l.toArray(new Tensor[0])));
    }

    @Property(tries = 300)
    void reshapeKeepsTheRowMajorSequence(@ForAll("tensorsAndSeeds") Draw d) {
        Tensor t = d.t();
        int[] requested = sameSizeShape(t.size(), new Random(d.seed()));
        int[] want = requested.clone();
        for (int i = 0; i < want.length; i++) {
            if (want[i] == -1) {
                want[i] = 1;
                want[i] = t.size() / RowMajor.size(want);
            }
        }
        Tensor got = t.reshape(requested);
        assertArrayEquals(want, got.shape(), "reshape to " + Arrays.toString(requested));
        for (int i = 0; i < t.size(); i++) {
            assertSameBits(t.get(RowMajor.unravel(i, t.shape())), got.get(RowMajor.unravel(i, want)), "position " + i);
        }
    }

    @Property(tries = 300)
    void permuteMovesDimensionPermIOfTheInputToDimensionI(@ForAll("tensorsAndSeeds") Draw d) {
        Tensor t = d.t();
        int r = t.rank();
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            list.add(i);
        }
        Collections.shuffle(list, new Random(d.seed()));
        int[] perm = list.stream().mapToInt(Integer::intValue).toArray();
        Tensor got = t.permute(perm);
        int[] want = new int[r];
        for (int i = 0; i < r; i++) {
            want[i] = t.dim(perm[i]);
        }
        assertArrayEquals(want, got.shape(), "shape after permute " + Arrays.toString(perm));
        for (int i = 0; i < got.size(); i++) {
            int[] idx = RowMajor.unravel(i, want);
            int[] src = new int[r];
            for (int j = 0; j < r; j++) {
                src[perm[j]] = idx[j];
            }
            assertSameBits(t.get(src), got.getFlat(i), Arrays.toString(idx));
        }
    }

    @Property(tries = 200)
    void transposeSwapsTheLastTwoIndices(@ForAll("tensorsAndSeeds") Draw d) {
        Tensor t = d.t();
        int r = t.rank();
        Tensor got = t.transpose();
        int[] want = t.shape();
        if (r >= 2) {
            want[r - 1] = t.dim(r - 2);
            want[r - 2] = t.dim(r - 1);
        }
        assertArrayEquals(want, got.shape());
        for (int i = 0; i < got.size(); i++) {
            int[] idx = RowMajor.unravel(i, want);
            int[] src = idx.clone();
            if (r >= 2) {
                src[r - 1] = idx[r - 2];
                src[r - 2] = idx[r - 1];
            }
            assertSameBits(t.get(src), got.getFlat(i), Arrays.toString(idx));
        }
    }

    @Property(tries = 300)
    void sliceOnEveryAxisShiftsThatIndexByFrom(@ForAll("tensorsAndSeeds") Draw d) {
        Tensor t = d.t();
        int r = t.rank();
        Random rnd = new Random(d.seed());
        for (int axis = 0; axis < r; axis++) {
            int from = rnd.nextInt(t.dim(axis) + 1);
            int to = from + rnd.nextInt(t.dim(axis) - from + 1);
            int[] want = t.shape();
            want[axis] = to - from;
            for (int passed : new int[] {axis, axis - r}) {
                Tensor got = t.slice(passed, from, to);
                assertArrayEquals(want, got.shape(), "slice(" + passed + ", " + from + ", " + to + ")");
                for (int i = 0; i < got.size(); i++) {
                    int[] idx = RowMajor.unravel(i, want);
                    int[] src = idx.clone();
                    src[axis] += from;
                    assertSameBits(t.get(src), got.getFlat(i),
                            "slice(" + passed + ", " + from + ", " + to + ") at " + Arrays.toString(idx));
                }
            }
        }
    }

    @Property(tries = 200)
    void rowIIsTheSubTensorWithFirstIndexI(@ForAll("tensorsAndSeeds") Draw d) {
        Tensor t = d.t();
        if (t.rank() == 0 || t.dim(0) == 0) {
            return;
        }
        int i = new Random(d.seed()).nextInt(t.dim(0));
        Tensor got = t.row(i);
        int[] want = Arrays.copyOfRange(t.shape(), 1, t.rank());
        assertArrayEquals(want, got.shape());
        for (int j = 0; j < got.size(); j++) {
            int[] idx = RowMajor.unravel(j, want);
            int[] src = new int[t.rank()];
            src[0] = i;
            System.arraycopy(idx, 0, src, 1, idx.length);
            assertSameBits(t.get(src), got.getFlat(j), Arrays.toString(idx));
        }
    }

    @Property(tries = 300)
    void concatPlacesEachPartAfterThePrecedingOnesAlongTheAxis(@ForAll("concatenations") Parts p) {
        Tensor[] parts = p.parts();
        int r = parts[0].rank();
        int axis = p.axis() < 0 ? p.axis() + r : p.axis();
        int[] want = parts[0].shape();
        want[axis] = 0;
        for (Tensor part : parts) {
            want[axis] += part.dim(axis);
        }
        Tensor got = Tensor.concat(p.axis(), parts);
        assertArrayEquals(want, got.shape());
        for (int i = 0; i < got.size(); i++) {
            int[] idx = RowMajor.unravel(i, want);
            int[] src = idx.clone();
            int k = 0;
            while (src[axis] >= parts[k].dim(axis)) {
                src[axis] -= parts[k].dim(axis);
                k++;
            }
            assertSameBits(parts[k].get(src), got.getFlat(i), Arrays.toString(idx) + " from part " + k);
        }
    }

    @Property(tries = 200)
    void stackPutsPartIAtIndexIOfANewLeadingAxis(@ForAll("equalShapes") Tensor[] parts) {
        Tensor got = Tensor.stack(parts);
        int[] s = parts[0].shape();
        int[] want = new int[s.length + 1];
        want[0] = parts.length;
        System.arraycopy(s, 0, want, 1, s.length);
        assertArrayEquals(want, got.shape());
        for (int i = 0; i < got.size(); i++) {
            int[] idx = RowMajor.unravel(i, want);
            assertSameBits(parts[idx[0]].get(Arrays.copyOfRange(idx, 1, idx.length)), got.getFlat(i),
                    Arrays.toString(idx));
        }
    }

    /**
     * A random shape of {@code n} elements: a random factorization of n with some 1s, and now
     * and then one dimension replaced by -1 (when the others do not multiply to 0).
     */
    static int[] sameSizeShape(int n, Random r) {
        List<Integer> dims = new ArrayList<>();
        if (n == 0) {
            dims.add(0);
            for (int i = r.nextInt(3); i > 0; i--) {
                dims.add(1 + r.nextInt(4));
            }
        } else {
            int rem = n;
            while (rem > 1 && dims.size() < 4) {
                List<Integer> divisors = new ArrayList<>();
                for (int d = 2; d <= rem; d++) {
                    if (rem % d == 0) {
                        divisors.add(d);
                    }
                }
                int d = dims.size() == 3 ? rem : divisors.get(r.nextInt(divisors.size()));
                dims.add(d);
                rem /= d;
            }
        }
        for (int i = r.nextInt(3); i > 0; i--) {
            dims.add(1);
        }
        Collections.shuffle(dims, r);
        int[] s = dims.stream().mapToInt(Integer::intValue).toArray();
        if (s.length > 0 && r.nextBoolean()) {
            int i = r.nextInt(s.length);
            int[] others = s.clone();
            others[i] = 1;
            if (RowMajor.size(others) != 0) {
                s[i] = -1;
            }
        }
        return s;
    }
}
