package io.chainrule.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * float32 tensors: half the bytes, the same operations. A single elementwise operation on float32
 * operands is exactly the float32 result (the float64 result of the exact operands, rounded once);
 * products are float chains of fused multiply-adds close to the float64 product; views, partitions
 * and versions work as for float64; dtypes mix only through a rank-0 operand or an explicit cast.
 */
class Float32Properties {

    static Tensor randomF32(long seed, int... shape) {
        return Tensor.randn(seed, 1.0, shape).cast(DType.FLOAT32);
    }

    @Property(tries = 60)
    void elementwiseOperationsAreTheFloat32Operations(@ForAll @IntRange(min = 1, max = 5) int rows,
                                                      @ForAll @IntRange(min = 1, max = 7) int cols,
                                                      @ForAll boolean broadcastRow, @ForAll long seed) {
        Tensor a = randomF32(seed, rows, cols);
        Tensor b = broadcastRow ? randomF32(seed + 1, cols) : randomF32(seed + 1, rows, cols);
        Tensor[] got = {a.add(b), a.sub(b), a.mul(b), a.div(b), a.maximum(b)};
        for (int k = 0; k < got.length; k++) {
            assertEquals(DType.FLOAT32, got[k].dtype());
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    float x = (float) a.get(i, j);
                    float y = (float) (broadcastRow ? b.get(j) : b.get(i, j));
                    float want = k == 0 ? x + y : k == 1 ? x - y : k == 2 ? x * y : k == 3 ? x / y : Math.max(x, y);
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits((float) got[k].get(i, j)),
                            "op " + k + " at " + i + "," + j);
                }
            }
        }
    }

    @Property(tries = 40)
    void aFloat32ProductIsCloseToTheFloat64Product(@ForAll @IntRange(min = 1, max = 40) int m,
                                                   @ForAll @IntRange(min = 1, max = 40) int n,
                                                   @ForAll @IntRange(min = 1, max = 70) int k,
                                                   @ForAll boolean ta, @ForAll boolean tb, @ForAll long seed) {
        Tensor a = randomF32(seed, ta ? k : m, ta ? m : k);
        Tensor b = randomF32(seed + 1, tb ? n : k, tb ? k : n);
        Tensor c = a.matmul(ta, b, tb);
        assertEquals(DType.FLOAT32, c.dtype());
        Tensor exact = a.cast(DType.FLOAT64).matmul(ta, b.cast(DType.FLOAT64), tb);
        Tensor absSum = a.cast(DType.FLOAT64).abs().matmul(ta, b.cast(DType.FLOAT64).abs(), tb);
        // a chain of k float FMAs: each rounding is at most half an ulp of the running sum
        double eps = Math.ulp(1.0f) / 2;
        for (int i = 0; i < m * n; i++) {
            double bound = k * eps * absSum.getFlat(i) * 1.01 + Float.MIN_NORMAL;
            assertTrue(Math.abs(c.getFlat(i) - exact.getFlat(i)) <= bound, "element " + i);
        }
        Tensor into = Tensor.zeros(DType.FLOAT32, m, n).setToMatMulInPlace(a, ta, b, tb);
        assertTrue(into.bitwiseEquals(c), "in place = out of place");
    }

    @Test
    void activationsAreTheFloat64FormulasRoundedOnce() {
        Tensor x = randomF32(7, 1000).mul(4.0);
        Tensor wide = x.cast(DType.FLOAT64);
        assertTrue(x.tanh().bitwiseEquals(wide.tanh().cast(DType.FLOAT32)));
        assertTrue(x.sigmoid().bitwiseEquals(wide.sigmoid().cast(DType.FLOAT32)));
        assertTrue(x.exp().bitwiseEquals(wide.exp().cast(DType.FLOAT32)));
        Tensor y = x.copy();
        y.tanhInPlace();
        assertTrue(y.bitwiseEquals(x.tanh()));
    }

    @Test
    void dtypesMixOnlyThroughAScalarOrACast() {
        Tensor f = randomF32(1, 2, 3);
        Tensor d = Tensor.randn(2, 1.0, 2, 3);
        String m = assertThrows(IllegalArgumentException.class, () -> f.add(d)).getMessage();
        assertTrue(m.contains("float32") && m.contains("float64") && m.contains("[2, 3]"), m);
        assertThrows(IllegalArgumentException.class, () -> d.matmul(false, f, true));
        assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, f, d));
        assertEquals(DType.FLOAT32, f.mul(Tensor.scalar(2.5)).dtype(), "a float64 scalar takes the tensor's dtype");
        assertEquals(DType.FLOAT32, Tensor.scalar(2.5).add(f).dtype());
        assertEquals(DType.FLOAT64, f.cast(DType.FLOAT64).add(d).dtype());
        String a = assertThrows(IllegalStateException.class, f::array).getMessage();
        assertTrue(a.contains("float32") && a.contains("floatArray"), a);
    }

    @Test
    void viewsPartitionsAndVersionsWorkAsForFloat64() {
        Tensor t = randomF32(3, 4, 5);
        Tensor view = t.reshape(20);
        assertSame(t.floatArray(), view.floatArray());
        Tensor[] parts = t.partition(1, 3);
        int v0 = parts[0].version();
        parts[1].fillInPlace(2.0);
        assertEquals(v0, parts[0].version(), "a write to another part is no change of this one");
        assertTrue(t.version() > 0);
        assertEquals(2.0, t.get(3, 4));
        assertEquals(4 * 5 * 4, 4 * t.size(), "4 bytes an element");
        assertEquals(4, DType.FLOAT32.bytes());
        assertTrue(t.sharesStorageWith(view) && !t.sharesStorageWith(t.copy()));
    }

    @Test
    void castRoundsToNearestAndBackIsExact() {
        Random r = new Random(5);
        double[] v = new double[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian() * Math.pow(10, r.nextInt(10) - 5);
        }
        Tensor d = Tensor.vector(v);
        Tensor f = d.cast(DType.FLOAT32);
        for (int i = 0; i < v.length; i++) {
            assertEquals((float) v[i], (float) f.get(i));
        }
        assertTrue(f.cast(DType.FLOAT64).cast(DType.FLOAT32).bitwiseEquals(f));
        assertSame(f, f.cast(DType.FLOAT32));
    }
}
