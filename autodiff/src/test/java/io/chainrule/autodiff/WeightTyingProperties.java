package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weight tying: a leaf used k times receives the sum of the k gradients that k separate copies of
 * it (same values) receive. The engine accumulates contributions in decreasing creation order of
 * the ops that consume the leaf, so the sum is reproduced bitwise by adding the copies' gradients
 * from the last use to the first.
 */
class WeightTyingProperties {

    @Provide
    Arbitrary<int[]> shapes() {
        return TestTensors.shapes(0, 3);
    }

    @Property(tries = 200)
    void aLeafUsedKTimesGetsTheSumOfTheGradientsOfKCopies(@ForAll("shapes") int[] shape,
                                                          @ForAll @IntRange(min = 2, max = 5) int k,
                                                          @ForAll long seed) {
        Random random = new Random(seed);
        Tensor value = TestTensors.uniform(random.nextLong(), -1.5, 1.5, shape);
        List<Function<Var, Var>> uses = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            uses.add(randomUse(random, shape));
        }
        int[] combine = new int[k];
        for (int j = 0; j < k; j++) {
            combine[j] = random.nextInt(3);
        }

        Var tied = Var.param(value.copy(), "tied");
        List<Var> tiedUses = new ArrayList<>();
        for (Function<Var, Var> use : uses) {
            tiedUses.add(use.apply(tied));
        }
        loss(tiedUses, combine).backward();

        List<Var> copies = new ArrayList<>();
        List<Var> copyUses = new ArrayList<>();
        for (Function<Var, Var> use : uses) {
            Var c = Var.param(value.copy());
            copies.add(c);
            copyUses.add(use.apply(c));
        }
        loss(copyUses, combine).backward();

        Tensor sum = copies.get(k - 1).grad().copy();
        for (int j = k - 2; j >= 0; j--) {
            sum.addInPlace(copies.get(j).grad());
        }
        assertTrue(tied.grad().bitwiseEquals(sum), () -> "tied " + tied.grad() + " but the copies sum to " + sum);
    }

    /** The same shape-preserving combination of the k uses, for both graphs. */
    private static Var loss(List<Var> uses, int[] combine) {
        Var out = uses.get(0);
        for (int j = 1; j < uses.size(); j++) {
            switch (combine[j]) {
                case 0:
                    out = Ops.add(out, uses.get(j));
                    break;
                case 1:
                    out = Ops.mul(out, uses.get(j));
                    break;
                default:
                    out = Ops.sub(Ops.tanh(out), uses.get(j));
            }
        }
        return Ops.sum(out);
    }

    /** One use of x: a chain whose first op consumes x exactly once (some uses broadcast back). */
    private static Function<Var, Var> randomUse(Random random, int[] shape) {
        int kind = random.nextInt(6);
        double c = 0.5 + random.nextDouble();
        int axis = shape.length == 0 ? -1 : random.nextInt(shape.length);
        switch (kind) {
            case 0:
                return x -> Ops.tanh(x);
            case 1:
                return x -> Ops.exp(Ops.scale(x, c));
            case 2:
                return x -> Ops.mul(Ops.sigmoid(x), Var.constant(c));
            case 3:
                return x -> Ops.pow(x, 2);
            case 4: // reduced and broadcast back when combined
                return axis < 0 ? x -> Ops.neg(x) : x -> Ops.sum(x, axis, true);
            default:
                return x -> Ops.add(x, Var.constant(c));
        }
    }
}
