package io.chainrule.autodiff.engine;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool's bounds, which are what keeps a thread's spare gradient arrays from growing without
 * limit: nothing shorter than {@link BufferPool#MIN_LENGTH}, at most {@link BufferPool#PER_LENGTH}
 * of one length and kind, at most {@link BufferPool#MAX_DOUBLES} doubles in all (a float counts
 * half), and the count of kept doubles going back down as arrays are taken.
 */
class BufferPoolTest {
    private final BufferPool pool = BufferPool.current();

    @BeforeEach
    @AfterEach
    void empty() {
        BufferPool.release();
    }

    @Test
    void keepsArraysFromTheMinimumLengthUp() {
        pool.keep(new double[BufferPool.MIN_LENGTH - 1]);
        pool.keepFloats(new float[BufferPool.MIN_LENGTH - 1]);
        assertEquals(0, BufferPool.keptDoubles());
        assertNull(pool.take(BufferPool.MIN_LENGTH - 1));
        assertNull(pool.takeFloats(BufferPool.MIN_LENGTH - 1));

        double[] d = new double[BufferPool.MIN_LENGTH];
        float[] f = new float[BufferPool.MIN_LENGTH];
        pool.keep(d);
        pool.keepFloats(f);
        assertEquals(BufferPool.MIN_LENGTH + BufferPool.MIN_LENGTH / 2, BufferPool.keptDoubles());
        assertSame(d, pool.take(BufferPool.MIN_LENGTH));
        assertEquals(BufferPool.MIN_LENGTH / 2, BufferPool.keptDoubles());
        assertSame(f, pool.takeFloats(BufferPool.MIN_LENGTH));
        assertEquals(0, BufferPool.keptDoubles());
        assertNull(pool.take(BufferPool.MIN_LENGTH), "an array is handed out once");
    }

    @Test
    void keepingAnArrayThePoolStillHoldsIsAnError() {
        double[] d = new double[100];
        float[] f = new float[100];
        pool.keep(d);
        pool.keepFloats(f);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.keep(d));
        assertTrue(e.getMessage().contains("100 elements") && e.getMessage().contains("twice"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> pool.keepArray(f));
        assertEquals(100 + 50, BufferPool.keptDoubles(), "each array counted once");
        pool.keep(new double[100]); // another array of the same length is kept
        assertEquals(200 + 50, BufferPool.keptDoubles());
    }

    @Test
    void keepsAtMostPerLengthArraysOfOneLengthAndKind() {
        int n = 100;
        for (int i = 0; i < BufferPool.PER_LENGTH + 2; i++) {
            pool.keepArray(new double[n]);
            pool.keepArray(new float[n]);
        }
        assertEquals(BufferPool.PER_LENGTH * (n + n / 2L), BufferPool.keptDoubles());
        for (int i = 0; i < BufferPool.PER_LENGTH; i++) {
            assertNotNull(pool.take(n), "double array " + i);
            assertNotNull(pool.takeFloats(n), "float array " + i);
        }
        assertNull(pool.take(n));
        assertNull(pool.takeFloats(n));
        assertEquals(0, BufferPool.keptDoubles());
    }

    @Test
    void keepsAtMostMaxDoublesInAll() {
        int half = (int) (BufferPool.MAX_DOUBLES / 2);
        double[] a = new double[half];
        pool.keep(a);
        pool.keep(new double[half + 1]); // would exceed the bound
        assertEquals(half, BufferPool.keptDoubles());
        pool.keep(new double[half]); // exactly at the bound
        assertEquals(BufferPool.MAX_DOUBLES, BufferPool.keptDoubles());
        pool.keepFloats(new float[BufferPool.MIN_LENGTH]); // beyond it, even half counted
        assertEquals(BufferPool.MAX_DOUBLES, BufferPool.keptDoubles());
        assertNull(pool.takeFloats(BufferPool.MIN_LENGTH));
        assertNull(pool.take(half + 1));
        assertNotNull(pool.take(half));
        assertEquals(half, BufferPool.keptDoubles());
    }

    @Test
    void aFloatArrayCountsHalfItsLengthRoundedUpAndFitsExactlyAtTheBound() {
        pool.keep(new double[(int) BufferPool.MAX_DOUBLES - 50]);
        float[] f = new float[99]; // counts 50: exactly at the bound
        pool.keepFloats(f);
        assertEquals(BufferPool.MAX_DOUBLES, BufferPool.keptDoubles());
        assertSame(f, pool.takeFloats(99));
        assertEquals(BufferPool.MAX_DOUBLES - 50, BufferPool.keptDoubles());
    }

    @Test
    void tensorsAreBuiltOnKeptArraysOfTheirKindAndLengthElseNewOnes() {
        double[] d = new double[6 * 20];
        float[] f = new float[6 * 20];
        pool.keepArray(d);
        pool.keepArray(f);
        Tensor td = pool.tensor(DType.FLOAT64, new int[] {6, 20});
        Tensor tf = pool.tensor(DType.FLOAT32, new int[] {6, 20});
        assertSame(d, td.array());
        assertSame(f, tf.floatArray());
        assertArrayEquals(new int[] {6, 20}, tf.shape());
        Tensor fresh = pool.tensor(DType.FLOAT64, new int[] {6, 20});
        assertNotSame(d, fresh.array());
        assertEquals(120, fresh.array().length);
        assertEquals(120, pool.takeOrNew(120).length);
    }

    @Test
    void releaseDropsEveryKeptArray() {
        pool.keep(new double[100]);
        pool.keepFloats(new float[100]);
        BufferPool.release();
        assertEquals(0, BufferPool.keptDoubles());
        assertNull(pool.take(100));
        assertNull(pool.takeFloats(100));
    }
}
