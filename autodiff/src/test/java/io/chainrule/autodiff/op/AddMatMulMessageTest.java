package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** addmm's shape errors write each operand's shape with ᵀ where that operand is transposed, and only there. */
class AddMatMulMessageTest {

    private static String error(Supplier<?> make) {
        return assertThrows(IllegalArgumentException.class, make::get).getMessage();
    }

    @Test
    void anOperandThatIsNotAMatrixIsNamedWithItsTransposition() {
        Var c = Var.param(Tensor.zeros(2, 4));
        assertEquals("addmm needs matrices, got shapes [3]ᵀ and [3, 4]",
                error(() -> Ops.addMatMul(c, Var.constant(Tensor.zeros(3)), true, Var.constant(Tensor.zeros(3, 4)), false)));
        assertEquals("addmm needs matrices, got shapes [2, 3] and [4]ᵀ",
                error(() -> Ops.addMatMul(c, Var.constant(Tensor.zeros(2, 3)), false, Var.constant(Tensor.zeros(4)), true)));
    }

    @Test
    void aCOfTheWrongShapeIsNamedAgainstTheProduct() {
        Var c = Var.param(Tensor.zeros(5, 5));
        assertEquals("addmm: c of shape [5, 5] is neither [4] nor the shape of the product of [3, 2]ᵀ and [3, 4], of shape [2, 4]",
                error(() -> Ops.addMatMul(c, Var.constant(Tensor.zeros(3, 2)), true, Var.constant(Tensor.zeros(3, 4)), false)));
        assertEquals("addmm: c of shape [5, 5] is neither [4] nor the shape of the product of [2, 3] and [4, 3]ᵀ, of shape [2, 4]",
                error(() -> Ops.addMatMul(c, Var.constant(Tensor.zeros(2, 3)), false, Var.constant(Tensor.zeros(4, 3)), true)));
    }
}
