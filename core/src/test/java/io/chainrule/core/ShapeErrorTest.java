package io.chainrule.core;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Map;
import java.util.function.BinaryOperator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operations whose operands do not fit throw {@link IllegalArgumentException} with a message that
 * names every shape involved (as {@link Shape#format} prints it), one test per operation family.
 */
class ShapeErrorTest {

    private static final Tensor A23 = Tensor.zeros(2, 3);
    private static final Tensor A45 = Tensor.zeros(4, 5);

    /** Asserts that {@code call} throws IllegalArgumentException whose message contains every part. */
    static String assertRejected(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String m = e.getMessage();
        for (String p : parts) {
            assertTrue(m != null && m.contains(p), () -> "message \"" + m + "\" does not name " + p);
        }
        return m;
    }

    @Test
    void broadcastingBinaryOpsNameBothShapesAndTheOp() {
        Map<String, BinaryOperator<Tensor>> ops = Map.of(
                "add", Tensor::add, "sub", Tensor::sub, "mul", Tensor::mul,
                "div", Tensor::div, "max", Tensor::maximum, "min", Tensor::minimum);
        ops.forEach((name, op) -> {
            assertRejected(() -> op.apply(A23, A45), name, "[2, 3]", "[4, 5]");
            assertRejected(() -> op.apply(Tensor.zeros(3, 1, 2), Tensor.zeros(4, 3)), name, "[3, 1, 2]", "[4, 3]");
            assertRejected(() -> op.apply(A23, null), name, "null");
        });
    }

    @Test
    void inPlaceUpdatesNameBothShapes() {
        assertRejected(() -> A23.copy().addInPlace(Tensor.zeros(3, 3)), "[3, 3]", "[2, 3]");
        // in place, the receiver cannot grow: [1, 3] += [2, 3] is rejected though [2, 3] + [1, 3] is fine
        assertRejected(() -> Tensor.zeros(1, 3).addInPlace(A23), "[1, 3]", "[2, 3]");
        assertRejected(() -> A23.copy().addScaledInPlace(2.0, Tensor.zeros(3)), "[2, 3]", "[3]");
        assertRejected(() -> A23.copy().assignInPlace(Tensor.zeros(3, 2)), "[2, 3]", "[3, 2]");
        assertRejected(() -> A23.dot(Tensor.zeros(6)), "[2, 3]", "[6]");
        assertRejected(() -> A23.maxAbsDiff(Tensor.zeros(3, 2)), "[2, 3]", "[3, 2]");
    }

    @Test
    void matmulNamesBothShapes() {
        assertRejected(() -> A23.matmul(A45), "[2, 3]", "[4, 5]", "inner");
        assertRejected(() -> Tensor.zeros(3).matmul(Tensor.zeros(4)), "[3]", "[4]");
        assertRejected(() -> Tensor.zeros(3, 2).matmul(true, A45, false), "[3, 2]", "[4, 5]");
        assertRejected(() -> A23.matmul(false, Tensor.zeros(4, 3), false), "[2, 3]", "[4, 3]");
        assertRejected(() -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(5, 3, 4)), "[2, 2, 3]", "[5, 3, 4]", "batch");
        assertRejected(() -> Tensor.zeros(3, 1, 2, 3).matmul(Tensor.zeros(2, 4, 3, 4)),
                "[3, 1, 2, 3]", "[2, 4, 3, 4]", "batch");
        assertRejected(() -> Tensor.scalar(2).matmul(Tensor.zeros(3)), "[]", "[3]", "rank");
        assertRejected(() -> Tensor.zeros(3).matmul(Tensor.scalar(2)), "[3]", "[]", "rank");
        assertRejected(() -> Tensor.zeros(3).matmul(true, Tensor.zeros(3, 3), false), "[3]", "[3, 3]");
        assertRejected(() -> Tensor.zeros(3, 3).matmul(false, Tensor.zeros(3), true), "[3, 3]", "[3]");
        assertRejected(() -> A23.matmul(null), "null");
    }

    @Test
    void concatNamesAllShapes() {
        assertRejected(() -> Tensor.concat(0, A23, Tensor.zeros(2, 4)), "[2, 3]", "[2, 4]");
        assertRejected(() -> Tensor.concat(1, A23, Tensor.zeros(2, 4), Tensor.zeros(3, 1)),
                "[2, 3]", "[2, 4]", "[3, 1]");
        assertRejected(() -> Tensor.concat(0, A23, Tensor.zeros(3)), "[2, 3]", "[3]", "rank");
        assertRejected(() -> Tensor.concat(2, A23, A23), "axis 2", "[2, 3]");
        assertRejected(() -> Tensor.concat(-3, A23, Tensor.zeros(4, 3)), "axis -3", "[2, 3]", "[4, 3]");
        assertRejected(() -> Tensor.concat(0, Tensor.scalar(1), Tensor.scalar(2)), "[]");
        assertRejected(() -> Tensor.concat(0), "at least one");
    }

    @Test
    void stackNamesAllShapes() {
        assertRejected(() -> Tensor.stack(A23, A23, Tensor.zeros(3, 2)), "[2, 3]", "[3, 2]");
        assertRejected(() -> Tensor.stack(Tensor.scalar(1), Tensor.zeros(1)), "[]", "[1]");
        assertRejected(Tensor::stack, "at least one");
    }

    @Test
    void reshapeNamesBothShapes() {
        assertRejected(() -> A23.reshape(4, 2), "[2, 3]", "[4, 2]");
        assertRejected(() -> A23.reshape(4, -1), "[2, 3]", "[4, -1]");
        assertRejected(() -> A23.reshape(-1, -1), "[2, 3]", "[-1, -1]");
        assertRejected(() -> A23.reshape(-2, -3), "[2, 3]", "[-2, -3]");
        assertRejected(() -> Tensor.zeros(0, 3).reshape(0, -1), "[0, 3]", "[0, -1]");
    }

    @Test
    void permuteNamesTheShapeAndThePermutation() {
        Tensor t = Tensor.zeros(2, 3, 4);
        assertRejected(() -> t.permute(0, 1), "[2, 3, 4]", "[0, 1]");
        assertRejected(() -> t.permute(0, 0, 1), "[2, 3, 4]", "[0, 0, 1]");
        assertRejected(() -> t.permute(0, 1, 3), "[2, 3, 4]", "[0, 1, 3]");
        assertRejected(() -> t.permute(0, -1, 1), "[2, 3, 4]", "[0, -1, 1]");
    }

    @Test
    void sliceAndRowNameTheShape() {
        assertRejected(() -> A23.slice(1, 2, 5), "[2, 3]", "[2, 5)", "axis 1");
        assertRejected(() -> A23.slice(0, 2, 1), "[2, 3]", "[2, 1)");
        assertRejected(() -> A23.slice(-1, -1, 1), "[2, 3]", "[-1, 1)");
        assertRejected(() -> A23.slice(2, 0, 1), "[2, 3]", "axis 2");
        assertRejected(() -> A23.slice(-3, 0, 1), "[2, 3]", "axis -3");
        assertRejected(() -> A23.row(2), "[2, 3]", "row 2");
        assertRejected(() -> A23.row(-1), "[2, 3]", "row -1");
        assertRejected(() -> Tensor.scalar(1).row(0), "[]");
    }

    @Test
    void dimAndIndexingNameTheShape() {
        assertRejected(() -> A23.dim(2), "[2, 3]", "axis 2");
        assertRejected(() -> A23.dim(-3), "[2, 3]", "axis -3");
        assertRejected(() -> A23.get(1), "[2, 3]", "[1]");
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> A23.get(1, 3));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[1, 3]"), e.getMessage());
    }

    @Test
    void sumToAndBroadcastToNameBothShapes() {
        assertRejected(() -> A23.sumTo(4), "[2, 3]", "[4]");
        assertRejected(() -> A23.sumTo(2), "[2, 3]", "[2]");
        assertRejected(() -> Tensor.zeros(3).sumTo(2, 3), "[3]", "[2, 3]");
        assertRejected(() -> A23.broadcastTo(4, 3), "[2, 3]", "[4, 3]");
        assertRejected(() -> A23.broadcastTo(3), "[2, 3]", "[3]");
        assertRejected(() -> Tensor.zeros(1).broadcastTo(-1), "[1]", "[-1]");
        assertRejected(() -> Tensor.zeros(2).broadcastTo(-3, 2), "[2]", "[-3, 2]");
    }

    @Test
    void reductionsNameTheShapeAndTheAxes() {
        for (String op : new String[] {"sum", "mean", "max", "min"}) {
            assertRejected(() -> reduce(op, A23, 2), op, "[2, 3]", "axis 2");
            assertRejected(() -> reduce(op, A23, -3), op, "[2, 3]", "axis -3");
            assertRejected(() -> reduce(op, A23, 1, -1), op, "[2, 3]", "[1, -1]");
            assertRejected(() -> reduce(op, A23, 0, 0), op, "[2, 3]", "[0, 0]");
            assertRejected(() -> reduce(op, Tensor.scalar(1), 0), op, "[]", "axis 0");
        }
        for (String op : new String[] {"mean", "max", "min"}) {
            assertRejected(() -> reduce(op, Tensor.zeros(2, 0), 1), op, "[2, 0]");
        }
        assertRejected(() -> Tensor.zeros(0, 2).maxValue(), "[0, 2]");
        assertRejected(() -> Tensor.zeros(0, 2).minValue(), "[0, 2]");
        assertRejected(() -> Tensor.zeros(0).mean(), "[0]");
    }

    private static Tensor reduce(String op, Tensor t, int... axes) {
        switch (op) {
            case "sum": return t.sum(axes, false);
            case "mean": return t.mean(axes, true);
            case "max": return t.max(axes, false);
            default: return t.min(axes, true);
        }
    }

    @Test
    void creationWithWrongDataLengthNamesTheShapeAndTheLength() {
        assertRejected(() -> Tensor.wrap(new double[5], 2, 3), "[2, 3]", "5");
        assertRejected(() -> Tensor.of(new double[7], 2, 3), "[2, 3]", "7");
        assertRejected(() -> Tensor.wrap(new double[2]), "[]", "2");
        assertRejected(() -> Tensor.wrap((double[]) null, 2), "null");
    }

    @Test
    void negativeDimensionsAreRejectedNamingTheShape() {
        assertRejected(() -> Tensor.zeros(2, -1), "[2, -1]");
        assertRejected(() -> Tensor.ones(-3), "[-3]");
        assertRejected(() -> Tensor.full(1.0, 4, -2, 1), "[4, -2, 1]");
        assertRejected(() -> Tensor.wrap(new double[0], -1, 0), "[-1, 0]");
        assertRejected(() -> Tensor.randn(1L, 1.0, -1, 2), "[-1, 2]");
        assertRejected(() -> Tensor.uniform(new Well19937c(1), 0, 1, 3, -5), "[3, -5]");
        assertRejected(() -> Tensor.arange(-4), "-4");
    }

    @Test
    void tooManyElementsAreRejectedNamingTheShape() {
        assertRejected(() -> Tensor.zeros(1 << 16, 1 << 16), "[65536, 65536]");
    }

    @Test
    void itemOfANonScalarNamesTheShape() {
        assertRejected(A23::item, "[2, 3]");
        assertRejected(() -> Tensor.zeros(0).item(), "[0]");
    }
}
