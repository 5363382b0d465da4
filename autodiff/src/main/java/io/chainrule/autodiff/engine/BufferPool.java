package io.chainrule.autodiff.engine;

import io.chainrule.core.DType;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Arrays of gradient buffers the engine allocated and no longer needs, by length, kept on the
 * thread across passes for the next buffers of that length: a recurrent layer's backward then
 * cycles through two warm [B, H] buffers, as hand-written BPTT does, and the joined gradient of
 * its inputs is the same array every pass, instead of fresh (cold, zeroed) memory each time.
 *
 * <p>Bounded: arrays shorter than {@link #MIN_LENGTH} are not kept, at most {@link #PER_LENGTH}
 * of one length, at most {@link #MAX_DOUBLES} doubles (64 MiB) a thread in all.
 * {@link #release()} drops the calling thread's arrays. A kept array's contents are left over:
 * whoever takes one overwrites it before reading it.
 */
public final class BufferPool {
    /** Arrays shorter than this are not kept (a scalar's buffer costs less than keeping it). */
    public static final int MIN_LENGTH = 64;
    /** At most this many arrays of one length are kept. */
    public static final int PER_LENGTH = 4;
    /** At most this many doubles are kept on a thread, all lengths together (2^23 doubles, 64 MiB). */
    public static final long MAX_DOUBLES = 1L << 23;

    private static final ThreadLocal<BufferPool> THREAD = ThreadLocal.withInitial(BufferPool::new);

    private final Map<Integer, ArrayDeque<double[]>> byLength = new HashMap<>();
    private final Map<Integer, ArrayDeque<float[]>> floatsByLength = new HashMap<>();
    /** Bytes kept, over 8: a float array counts half its length. */
    private long doubles;

    private BufferPool() {
    }

    /** This thread's pool. */
    static BufferPool current() {
        return THREAD.get();
    }

    /** Drops the arrays kept on the calling thread. */
    public static void release() {
        BufferPool p = THREAD.get();
        p.byLength.clear();
        p.floatsByLength.clear();
        p.doubles = 0;
    }

    /** The doubles kept on the calling thread (float arrays count half their length). */
    public static long keptDoubles() {
        return THREAD.get().doubles;
    }

    /** Keeps {@code a} for reuse, within the bounds. */
    void keep(double[] a) {
        if (a.length >= MIN_LENGTH && doubles + a.length <= MAX_DOUBLES) {
            ArrayDeque<double[]> free = byLength.computeIfAbsent(a.length, n -> new ArrayDeque<>());
            checkNotKept(free, a);
            if (free.size() < PER_LENGTH) {
                free.push(a);
                doubles += a.length;
            }
        }
    }

    /** A kept array of {@code length} (its contents are left over), or null. */
    double[] take(int length) {
        ArrayDeque<double[]> free = byLength.get(length);
        double[] a = free == null ? null : free.poll();
        if (a != null) {
            doubles -= a.length;
        }
        return a;
    }

    /** A kept array of {@code length}, or a new one. */
    double[] takeOrNew(int length) {
        double[] a = take(length);
        return a != null ? a : new double[length];
    }

    /** Keeps a float array, within the bounds (it counts half its length). */
    void keepFloats(float[] a) {
        long cost = (a.length + 1) / 2;
        if (a.length >= MIN_LENGTH && doubles + cost <= MAX_DOUBLES) {
            ArrayDeque<float[]> free = floatsByLength.computeIfAbsent(a.length, n -> new ArrayDeque<>());
            checkNotKept(free, a);
            if (free.size() < PER_LENGTH) {
                free.push(a);
                doubles += cost;
            }
        }
    }

    /** A kept float array of {@code length} (contents left over), or null. */
    float[] takeFloats(int length) {
        ArrayDeque<float[]> free = floatsByLength.get(length);
        float[] a = free == null ? null : free.poll();
        if (a != null) {
            doubles -= (a.length + 1) / 2;
        }
        return a;
    }

    /**
     * An array kept twice would be handed out as two buffers, and two gradients would be written
     * into one array: wrong values, silently. So keeping one the pool still holds is an engine
     * error (at most {@link #PER_LENGTH} arrays to look through). It cannot see an array kept
     * again after it was taken: the engine must not keep what it does not own.
     */
    private static void checkNotKept(ArrayDeque<?> free, Object a) {
        for (Object kept : free) {
            if (kept == a) {
                throw new IllegalStateException("engine error: a gradient buffer of " + Array.getLength(a)
                        + " elements was kept for reuse twice");
            }
        }
    }

    /** Keeps an array of either kind (see {@link #keep} and {@link #keepFloats}). */
    void keepArray(Object a) {
        if (a instanceof double[]) {
            keep((double[]) a);
        } else if (a instanceof float[]) {
            keepFloats((float[]) a);
        }
    }

    /** A buffer of {@code dtype} and {@code shape}, from a kept array or new (contents undefined when kept). */
    Tensor tensor(DType dtype, int[] shape) {
        int length = Shape.size(shape);
        if (dtype == DType.FLOAT32) {
            float[] f = takeFloats(length);
            return Tensor.wrap(f != null ? f : new float[length], shape);
        }
        return Tensor.wrap(takeOrNew(length), shape);
    }
}
