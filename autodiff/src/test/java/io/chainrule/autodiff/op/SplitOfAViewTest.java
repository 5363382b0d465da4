package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A split along axis 0 of a value that is itself a view further into its array (a part of an
 * earlier split): its parts' gradients are joined into the gradient of that value, each at the
 * part's place in it, not at the part's place in the underlying array.
 */
class SplitOfAViewTest {

    private static Var weighted(Var x, double[] w) {
        return Ops.mul(x, Var.constant(Tensor.of(w, x.shape()))).sum();
    }

    @Test
    void thePartsOfASplitViewGetTheirGradientsInPlace() {
        Var y = Var.param(Tensor.uniform(7, -1, 1, 6, 2));
        Var[] outer = Ops.split(y, 0, 2, 4);
        Var[] inner = Ops.split(outer[1], 0, 1, 3);
        assertEquals(4, outer[1].value().offset(), "the split whole starts 2 rows into its array");
        assertTrue(inner[0].value().sharesStorageWith(y.value()), "the inner parts are views of y's array");
        double[] wa = {1, 2, 3, 4};
        double[] wc = {5, 6};
        double[] wd = {7, 8, 9, 10, 11, 12};
        weighted(outer[0], wa).add(weighted(inner[0], wc)).add(weighted(inner[1], wd)).backward();
        // d/dx sum(x ⊙ W) = W, each part's W at the part's rows of y
        double[] want = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], y.grad().getFlat(i), 0.0, "dL/dy at flat index " + i);
        }
    }

    @Test
    void aPartOfASplitViewWithoutAGradientGetsZeros() {
        Var y = Var.param(Tensor.uniform(8, -1, 1, 6, 2));
        Var[] outer = Ops.split(y, 0, 3, 3);
        Var[] inner = Ops.split(outer[1], 0, 1, 2);
        assertEquals(6, outer[1].value().offset());
        weighted(inner[1], new double[] {1, 2, 3, 4}).backward();
        double[] want = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], y.grad().getFlat(i), 0.0, "dL/dy at flat index " + i);
        }
    }
}
