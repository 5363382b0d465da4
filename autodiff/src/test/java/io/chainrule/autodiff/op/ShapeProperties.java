package io.chainrule.autodiff.op;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.TestTensors;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static io.chainrule.autodiff.TestTensors.recorded;
import static io.chainrule.autodiff.TestTensors.uniform;

/**
 * Reductions and shape primitives (sum, reshape, permute, slice, split, concat, broadcastTo): backward
 * equals central finite differences on random shapes of rank 0..3 with dimensions 1..5.
 */
class ShapeProperties {

    @Provide
    Arbitrary<int[]> shapes() {
        return TestTensors.shapes(0, 3);
    }

    @Provide
    Arbitrary<int[]> nonScalarShapes() {
        return TestTensors.shapes(1, 3);
    }

    /** Sum over a random subset of axes (bits of {@code mask}), spelled with random signs and order. */
    @Property(tries = 100)
    @Covers(Sum.class)
    void sumOverAnyAxesGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll int mask,
                                                        @ForAll boolean keepDims, @ForAll long seed) {
        Random random = new Random(seed);
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < shape.length; a++) {
            if ((mask >>> a & 1) != 0) {
                axes.add(random.nextBoolean() ? a : a - shape.length);
            }
        }
        Collections.shuffle(axes, random);
        int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
        GradCheck.check(x -> recorded(Ops.sum(x[0], ax, keepDims), Sum.class), uniform(seed, -2, 2, shape))
                .assertClose(TOLERANCE);
    }

    @Property(tries = 40)
    @Covers(Sum.class)
    void sumOfAllElementsGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll long seed) {
        GradCheck.check(x -> recorded(Ops.sum(Ops.tanh(x[0])), Sum.class), uniform(seed, -2, 2, shape))
                .assertClose(TOLERANCE);
    }

    @Property(tries = 80)
    @Covers(Reshape.class)
    void reshapeGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll @IntRange(max = 3) int rank,
                                                 @ForAll boolean inferOne, @ForAll long seed) {
        Random random = new Random(seed);
        int[] target = factorization(Shape.size(shape), rank, random);
        if (inferOne && target.length > 0) {
            target[random.nextInt(target.length)] = -1;
        }
        int[] t = target;
        GradCheck.check(x -> recorded(Ops.reshape(x[0], t), Reshape.class), uniform(seed, -2, 2, shape))
                .assertClose(TOLERANCE);
    }

    @Property(tries = 80)
    @Covers(Permute.class)
    void permuteGradientMatchesFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int[] perm = order.stream().mapToInt(Integer::intValue).toArray();
        GradCheck.check(x -> recorded(Ops.permute(x[0], perm), Permute.class), uniform(seed, -2, 2, shape))
                .assertClose(TOLERANCE);
    }

    @Property(tries = 40)
    @Covers(Permute.class)
    void transposeGradientMatchesFiniteDifferences(@ForAll("nonScalarShapes") int[] base, @ForAll long seed) {
        int[] shape = Arrays.copyOf(base, Math.max(2, base.length));
        for (int i = base.length; i < shape.length; i++) {
            shape[i] = 3;
        }
        GradCheck.check(x -> recorded(Ops.transpose(x[0]), Permute.class), uniform(seed, -2, 2, shape))
                .assertClose(TOLERANCE);
    }

    /** Every axis of the shape, each with a random range, spelled with a random sign. */
    @Property(tries = 60)
    @Covers(Slice.class)
    void sliceOnEveryAxisGradientMatchesFiniteDifferences(@ForAll("nonScalarShapes") int[] shape, @ForAll long seed) {
        Random random = new Random(seed);
        Tensor value = uniform(seed, -2, 2, shape);
        for (int a = 0; a < shape.length; a++) {
            int from = random.nextInt(shape[a]);
            int to = from + 1 + random.nextInt(shape[a] - from);
            int axis = random.nextBoolean() ? a : a - shape.length;
            GradCheck.check(x -> recorded(Ops.slice(x[0], axis, from, to), Slice.class), value).assertClose(TOLERANCE);
        }
    }

    /** Two or three inputs joined along a random axis; {@code constantFirst} makes the first one data. */
    @Property(tries = 80)
    @Covers(Concat.class)
    void concatGradientMatchesFiniteDifferences(@ForAll("nonScalarShapes") int[] shape,
                                                @ForAll @IntRange(min = 2, max = 3) int count,
                                                @ForAll boolean constantFirst, @ForAll long seed) {
        Random random = new Random(seed);
        int a = random.nextInt(shape.length);
        int axis = random.nextBoolean() ? a : a - shape.length;
        Tensor[] parts = new Tensor[count];
        for (int i = 0; i < count; i++) {
            int[] s = shape.clone();
            s[a] = 1 + random.nextInt(4);
            parts[i] = uniform(random.nextLong(), -2, 2, s);
        }
        if (constantFirst) {
            Var first = Var.constant(parts[0]);
            GradCheck.check(x -> {
                Var[] all = new Var[count];
                all[0] = first;
                System.arraycopy(x, 0, all, 1, count - 1);
                return recorded(Ops.concat(axis, all), Concat.class);
            }, Arrays.copyOfRange(parts, 1, count)).assertClose(TOLERANCE);
        } else {
            GradCheck.check(x -> recorded(Ops.concat(axis, x), Concat.class), parts).assertClose(TOLERANCE);
        }
    }

    /**
     * Split and unstack (one multi-output node): some parts are left unused, so backward must fill
     * their share of the joined gradient with zeros.
     */
    @Property(tries = 80)
    @Covers(Split.class)
    void splitAndUnstackGradientsMatchFiniteDifferences(@ForAll("nonScalarShapes") int[] shape,
                                                        @ForAll boolean unstack, @ForAll long seed) {
        Random random = new Random(seed);
        int a = random.nextInt(shape.length);
        int axis = random.nextBoolean() ? a : a - shape.length;
        List<Integer> sizeList = new ArrayList<>();
        for (int left = shape[a]; left > 0; ) {
            int s = 1 + random.nextInt(left);
            sizeList.add(s);
            left -= s;
        }
        int[] sizes = sizeList.stream().mapToInt(Integer::intValue).toArray();
        int count = unstack ? shape[a] : sizes.length;
        boolean[] used = new boolean[count];
        used[random.nextInt(count)] = true;
        for (int i = 0; i < count; i++) {
            used[i] |= random.nextInt(3) > 0;
        }
        Tensor[] weights = new Tensor[count];
        for (int i = 0; i < count; i++) {
            int[] part = shape.clone();
            part[a] = unstack ? 1 : sizes[i];
            if (unstack) {
                int[] squeezed = new int[shape.length - 1];
                for (int d = 0, j = 0; d < shape.length; d++) {
                    if (d != a) {
                        squeezed[j++] = shape[d];
                    }
                }
                part = squeezed;
            }
            weights[i] = uniform(random.nextLong(), -2, 2, part);
        }
        GradCheck.check(x -> {
            Var[] parts = unstack ? Ops.unstack(x[0], axis) : Ops.split(x[0], axis, sizes);
            Var total = null;
            for (int i = 0; i < count; i++) {
                if (used[i]) {
                    Var term = recorded(parts[i], Split.class).mul(Var.constant(weights[i])).sum();
                    total = total == null ? term : total.add(term);
                }
            }
            return total;
        }, uniform(seed, -2, 2, shape)).assertClose(TOLERANCE);
    }

    @Property(tries = 80)
    @Covers(BroadcastTo.class)
    void broadcastToGradientMatchesFiniteDifferences(@ForAll("shapes") int[] target, @ForAll long seed) {
        Random random = new Random(seed);
        int[] source = TestTensors.broadcastOperand(target, random);
        GradCheck.check(x -> recorded(Ops.broadcastTo(x[0], target), BroadcastTo.class),
                uniform(seed, -2, 2, source)).assertClose(TOLERANCE);
    }

    /** A random shape of the given rank whose size is {@code size}. */
    static int[] factorization(int size, int rank, Random random) {
        if (rank == 0) {
            return size == 1 ? new int[0] : new int[] {size};
        }
        int[] s = new int[rank];
        int rest = size;
        for (int i = 0; i < rank - 1; i++) {
            List<Integer> divisors = new ArrayList<>();
            for (int d = 1; d <= rest; d++) {
                if (rest % d == 0) {
                    divisors.add(d);
                }
            }
            s[i] = divisors.get(random.nextInt(divisors.size()));
            rest /= s[i];
        }
        s[rank - 1] = rest;
        return s;
    }
}
