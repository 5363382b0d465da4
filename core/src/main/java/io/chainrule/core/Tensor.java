package io.chainrule.core;

import io.chainrule.core.kernel.ActivationKernel;
import io.chainrule.core.kernel.Kernels;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * A dense float64 tensor of any rank, stored row-major and contiguously in a {@code double[]}
 * starting at an offset.
 *
 * <p><b>Values and mutation.</b> Operations return new tensors and leave their arguments
 * untouched, except the methods whose names end in {@code InPlace}, which modify the receiver and
 * say so. {@link #reshape}, {@link #slice} along axis 0 and {@link #row} return views that share
 * storage with the receiver (no copy); an in-place change through one is visible through the other.
 * Every storage counts the in-place writes made through it ({@link #version()}), which is how the
 * autodiff engine knows that a value saved for backward is still the one it saved.
 *
 * <p><b>Shapes</b> are always checked: an operation whose operands do not fit throws
 * {@link IllegalArgumentException} with a message naming every shape involved. A rank-0 tensor
 * (shape {@code []}) is a scalar.
 *
 * <p><b>Broadcasting</b> follows NumPy (see {@link Shape#broadcast}).
 *
 * <p><b>Determinism.</b> Every operation computes each output element in an order fixed by the
 * shapes alone, so the same inputs give bitwise identical outputs on every run and any number of
 * threads.
 */
public final class Tensor {

    /** The float64 storage, or null for a float32 tensor. */
    private final double[] data;
    /** The float32 storage, or null for a float64 tensor. */
    private final float[] fdata;
    private final int offset;
    private final int[] shape;
    private final int size;
    /**
     * The tensor that owns this storage's bookkeeping: this tensor for one made with its own
     * storage (or for a part of a {@link #partition}), the original for a view.
     */
    private final Tensor base;

    // Storage bookkeeping, used on bases only (see NOTE [ Versions ]).
    /** Writes through this storage or a part of it. */
    private int version;
    /** Writes through this storage itself (not through a part). */
    private int direct;
    /** For a part of a partition: the base of the partitioned tensor; else null. */
    private Tensor parent;
    /** Whether this storage was partitioned already (a second partition gives plain views). */
    private boolean partitioned;
    /** See {@link #pin()}. */
    private boolean pinned;

    private Tensor(double[] data, int offset, int[] shape) {
        this.data = data;
        this.fdata = null;
        this.offset = offset;
        this.shape = shape;
        this.size = Shape.size(shape);
        this.base = this;
    }

    /** A float32 tensor with its own storage. */
    private Tensor(float[] fdata, int offset, int[] shape) {
        this.data = null;
        this.fdata = fdata;
        this.offset = offset;
        this.shape = shape;
        this.size = Shape.size(shape);
        this.base = this;
    }

    /** A view of {@code of}'s storage: it shares the storage's version. */
    private Tensor(Tensor of, int offset, int[] shape) {
        this.data = of.data;
        this.fdata = of.fdata;
        this.offset = offset;
        this.shape = shape;
        this.size = Shape.size(shape);
        this.base = of.base;
    }

    /** A part of a partition of {@code whole} (see {@link #partition}): a storage of its own within whole's. */
    private Tensor(Tensor whole, int offset, int[] shape, boolean part) {
        this.data = whole.data;
        this.fdata = whole.fdata;
        this.offset = offset;
        this.shape = shape;
        this.size = Shape.size(shape);
        this.base = this;
        this.parent = whole.base;
    }

    // ------------------------------------------------------------------ creation

    /**
     * Wraps {@code data} (not copied) as a tensor of the given shape. The tensor counts its own
     * writes ({@link #version()}); a second tensor wrapping the same array does not see them.
     */
    public static Tensor wrap(double[] data, int... shape) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        int[] s = Shape.checked(shape);
        if (Shape.size(s) != data.length) {
            throw new IllegalArgumentException("data of length " + data.length + " does not fit shape "
                    + Shape.format(s) + " (" + Shape.size(s) + " elements)");
        }
        return new Tensor(data, 0, s);
    }

    /** Wraps float32 {@code data} (not copied) as a tensor of the given shape (see {@link #wrap(double[], int...)}). */
    public static Tensor wrap(float[] data, int... shape) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        int[] s = Shape.checked(shape);
        if (Shape.size(s) != data.length) {
            throw new IllegalArgumentException("data of length " + data.length + " does not fit shape "
                    + Shape.format(s) + " (" + Shape.size(s) + " elements)");
        }
        return new Tensor(data, 0, s);
    }

    /** A float32 tensor holding a copy of {@code data} with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return wrap(data.clone(), shape);
    }

    /** Zeros of {@code dtype}. */
    public static Tensor zeros(DType dtype, int... shape) {
        int[] s = Shape.checked(shape);
        return dtype == DType.FLOAT32 ? new Tensor(new float[Shape.size(s)], 0, s) : new Tensor(new double[Shape.size(s)], 0, s);
    }

    /** Every element {@code value} (rounded to float for float32). */
    public static Tensor full(DType dtype, double value, int... shape) {
        if (dtype == DType.FLOAT64) {
            return full(value, shape);
        }
        int[] s = Shape.checked(shape);
        float[] d = new float[Shape.size(s)];
        Arrays.fill(d, (float) value);
        return new Tensor(d, 0, s);
    }

    /** A rank-0 tensor of {@code dtype}. */
    public static Tensor scalar(DType dtype, double value) {
        return dtype == DType.FLOAT32 ? new Tensor(new float[] {(float) value}, 0, new int[0]) : scalar(value);
    }

    /** A tensor holding a copy of {@code data} with the given shape. */
    public static Tensor of(double[] data, int... shape) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return wrap(data.clone(), shape);
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, 0, new int[0]);
    }

    /** A rank-1 tensor holding a copy of {@code values}. */
    public static Tensor vector(double... values) {
        return new Tensor(values.clone(), 0, new int[] {values.length});
    }

    /** A rank-2 tensor from rows of equal length. */
    public static Tensor matrix(double[][] rows) {
        if (rows == null) {
            throw new IllegalArgumentException("rows must not be null");
        }
        int m = rows.length;
        int n = m == 0 ? 0 : rows[0].length;
        double[] d = new double[m * n];
        for (int i = 0; i < m; i++) {
            if (rows[i].length != n) {
                throw new IllegalArgumentException("row " + i + " has length " + rows[i].length
                        + " but row 0 has length " + n);
            }
            System.arraycopy(rows[i], 0, d, i * n, n);
        }
        return new Tensor(d, 0, new int[] {m, n});
    }

    public static Tensor zeros(int... shape) {
        int[] s = Shape.checked(shape);
        return new Tensor(new double[Shape.size(s)], 0, s);
    }

    public static Tensor ones(int... shape) {
        return full(1.0, shape);
    }

    public static Tensor full(double value, int... shape) {
        int[] s = Shape.checked(shape);
        double[] d = new double[Shape.size(s)];
        Arrays.fill(d, value);
        return new Tensor(d, 0, s);
    }

    /** A zero tensor of the same shape and dtype as {@code like}. */
    public static Tensor zerosLike(Tensor like) {
        return like.fdata != null ? new Tensor(new float[like.size], 0, like.shape) : new Tensor(new double[like.size], 0, like.shape);
    }

    /** 0, 1, ..., n-1 as a rank-1 tensor. */
    public static Tensor arange(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("arange length must be non-negative, got " + n);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return new Tensor(d, 0, new int[] {n});
    }

    /** Normal(0, std^2) entries drawn from {@code rng} (a commons-math3 generator). */
    public static Tensor randn(RandomGenerator rng, double std, int... shape) {
        int[] s = Shape.checked(shape);
        double[] d = new double[Shape.size(s)];
        for (int i = 0; i < d.length; i++) {
            d[i] = std * rng.nextGaussian();
        }
        return new Tensor(d, 0, s);
    }

    /** Normal(0, std^2) entries from a fresh {@link Well19937c} seeded with {@code seed}. */
    public static Tensor randn(long seed, double std, int... shape) {
        return randn(new Well19937c(seed), std, shape);
    }

    /**
     * Uniform entries in [lo, hi) drawn from {@code rng} (every entry is lo if lo == hi). The
     * bounds must be finite, and so must hi - lo.
     */
    public static Tensor uniform(RandomGenerator rng, double lo, double hi, int... shape) {
        if (!(lo <= hi) || !Double.isFinite(hi - lo)) {
            throw new IllegalArgumentException("uniform bounds must be finite with lo <= hi, got lo=" + lo
                    + ", hi=" + hi);
        }
        int[] s = Shape.checked(shape);
        double[] d = new double[Shape.size(s)];
        for (int i = 0; i < d.length; i++) {
            double v = lo + (hi - lo) * rng.nextDouble();
            // the sum can round up to hi; like java.util.Random.doubles(lo, hi), step back below it
            d[i] = v < hi || lo == hi ? v : Math.nextDown(hi);
        }
        return new Tensor(d, 0, s);
    }

    /** Uniform entries in [lo, hi) from a fresh {@link Well19937c} seeded with {@code seed}. */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return uniform(new Well19937c(seed), lo, hi, shape);
    }

    // ------------------------------------------------------------------ access

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int dim(int axis) {
        return shape[Shape.axis(axis, shape)];
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** True if this tensor has exactly the given shape. */
    public boolean hasShape(int... s) {
        return Arrays.equals(shape, s);
    }

    /** True if both tensors have the same shape. */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /**
     * The backing array. Elements {@code offset() .. offset() + size() - 1} are this tensor, in
     * row-major order. For kernels and zero-copy interop; writing to it changes this tensor and any
     * view sharing its storage: call {@link #markWritten()} after such a write so that values saved
     * for backward are known to have changed.
     */
    public double[] array() {
        if (data == null) {
            throw new IllegalStateException("array() is the float64 storage, but this tensor of shape " + Shape.format(shape)
                    + " is float32: use floatArray(), or cast(DType.FLOAT64)");
        }
        return data;
    }

    /** The float32 backing array (see {@link #array()}); an error for a float64 tensor. */
    public float[] floatArray() {
        if (fdata == null) {
            throw new IllegalStateException("floatArray() is the float32 storage, but this tensor of shape "
                    + Shape.format(shape) + " is float64: use array(), or cast(DType.FLOAT32)");
        }
        return fdata;
    }

    /** The element type. */
    public DType dtype() {
        return fdata != null ? DType.FLOAT32 : DType.FLOAT64;
    }

    /**
     * This tensor's values as {@code dtype}: this tensor itself when it already is (no copy), else
     * a new tensor (float64 to float32 rounds to nearest, float32 to float64 is exact).
     */
    public Tensor cast(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        if (dtype == DType.FLOAT32) {
            float[] f = new float[size];
            for (int i = 0; i < size; i++) {
                f[i] = (float) data[offset + i];
            }
            return new Tensor(f, 0, shape);
        }
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            d[i] = fdata[offset + i];
        }
        return new Tensor(d, 0, shape);
    }

    /** The float64 values of this tensor: itself for float64, an exact float64 copy for float32. */
    private Tensor wide() {
        return fdata == null ? this : cast(DType.FLOAT64);
    }

    /** {@code result} in this tensor's dtype (rounded once, to nearest, for float32). */
    private Tensor narrow(Tensor result) {
        return fdata == null ? result : result.cast(DType.FLOAT32);
    }

    /**
     * The dtype of a binary operation's result, or an error naming both dtypes: operands must have
     * the same dtype, except that a rank-0 operand (a scalar) takes the other's.
     */
    private DType common(Tensor other, String op) {
        DType a = dtype();
        DType b = other.dtype();
        if (a == b) {
            return a;
        }
        if (other.shape.length == 0 && shape.length > 0) {
            return a;
        }
        if (shape.length == 0 && other.shape.length > 0) {
            return b;
        }
        if (shape.length == 0) {
            return DType.FLOAT64;
        }
        throw new IllegalArgumentException(op + ": a " + a + " tensor of shape " + Shape.format(shape) + " and a " + b
                + " tensor of shape " + Shape.format(other.shape) + " do not mix; cast one (Tensor.cast, Ops.cast)");
    }

    /** Index of this tensor's first element in {@link #array()}. */
    public int offset() {
        return offset;
    }

    /** A copy of the elements in row-major order, as float64. */
    public double[] toArray() {
        return fdata == null ? Arrays.copyOfRange(data, offset, offset + size) : cast(DType.FLOAT64).data;
    }

    /** The value of a rank-0 (or one-element) tensor. */
    public double item() {
        if (size != 1) {
            throw new IllegalArgumentException("item() needs a one-element tensor, got shape " + Shape.format(shape));
        }
        return fdata != null ? fdata[offset] : data[offset];
    }

    /** The element at a full index. */
    public double get(int... index) {
        int i = offset + flatIndex(index);
        return fdata != null ? fdata[i] : data[i];
    }

    /** The element at a row-major flat position. */
    public double getFlat(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("flat index " + i + " out of range for shape " + Shape.format(shape));
        }
        return fdata != null ? fdata[offset + i] : data[offset + i];
    }

    /** Sets the element at a full index, in place. */
    public void setInPlace(double value, int... index) {
        markWritten();
        set(offset + flatIndex(index), value);
    }

    /** Writes one element of the storage (rounded to float for float32). */
    private void set(int at, double value) {
        if (fdata != null) {
            fdata[at] = (float) value;
        } else {
            data[at] = value;
        }
    }

    /** Sets the element at a row-major flat position, in place. */
    public void setFlatInPlace(int i, double value) {
        markWritten();
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("flat index " + i + " out of range for shape " + Shape.format(shape));
        }
        set(offset + i, value);
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates but the tensor has shape " + Shape.format(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of range for shape "
                        + Shape.format(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** A tensor with the same shape, dtype and a fresh copy of the elements. */
    public Tensor copy() {
        return fdata != null ? new Tensor(Arrays.copyOfRange(fdata, offset, offset + size), 0, shape)
                : new Tensor(Arrays.copyOfRange(data, offset, offset + size), 0, shape);
    }

    // ------------------------------------------------------------------ versions and ownership

    /*
     * NOTE [ Versions ]
     * Every storage counts the writes made through it: each method whose name ends in InPlace
     * counts one, and so does markWritten() (for code that writes through array()). A view shares
     * its storage's count, so a write through any view of a storage is a write to all of them. The
     * autodiff engine records version() when an op saves a tensor for backward and compares it when
     * backward reads it: a saved value changed in between is an error, never a silently wrong
     * gradient (PyTorch's version counters).
     *
     * A partition splits a storage into disjoint consecutive parts, each counting its own writes: a
     * write through one part is not a write to another part (they share no element), but it is a
     * write to the whole, and a write through the whole (or any view of it) is a write to every part.
     * So version() of a part is its own count plus the writes made directly through its ancestors,
     * and the count of the whole includes the writes through its parts. Every term only grows, so
     * version() changes exactly when a write that may have touched the tensor's elements happened.
     */

    /**
     * The number of writes this tensor's elements may have received so far through in-place
     * methods, views and {@link #markWritten()} (see NOTE [ Versions ] in the source). Equal
     * versions at two times mean the elements did not change in between (writes through
     * {@link #array()} without {@link #markWritten()} are not seen).
     */
    public int version() {
        Tensor b = base;
        int v = b.version;
        for (Tensor p = b.parent; p != null; p = p.parent) {
            v += p.direct;
        }
        return v;
    }

    /**
     * Counts a write made through {@link #array()} (kernels, optimizers), so that a saved copy of
     * this tensor's old version is known to be stale. The in-place methods count their writes
     * themselves. Returns this.
     */
    public Tensor markWritten() {
        Tensor b = base;
        b.version++;
        b.direct++;
        for (Tensor p = b.parent; p != null; p = p.parent) {
            p.version++;
        }
        return this;
    }

    /**
     * Consecutive parts along axis 0 of {@code sizes[i]} rows each, as views of this tensor's
     * storage (no copy) that count their writes separately: a write through one part is not a
     * write to another, since they share no element (see NOTE [ Versions ] in the source). Writes
     * through this tensor, or through any other view of its storage, still count for every part.
     * Partitioning the same storage a second time gives parts that share its count, like plain
     * slices. The sizes must add up to {@code dim(0)}.
     */
    public Tensor[] partition(int... sizes) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("partition needs rank >= 1, got shape []");
        }
        long total = 0;
        for (int n : sizes) {
            if (n < 0) {
                throw new IllegalArgumentException("partition sizes must be non-negative, got " + Arrays.toString(sizes));
            }
            total += n;
        }
        if (total != shape[0]) {
            throw new IllegalArgumentException("partition sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " but shape " + Shape.format(shape) + " has " + shape[0] + " rows");
        }
        int inner = shape[0] == 0 ? 0 : size / shape[0];
        boolean own = !base.partitioned;
        base.partitioned = true;
        Tensor[] parts = new Tensor[sizes.length];
        int at = offset;
        for (int i = 0; i < sizes.length; i++) {
            int[] s = shape.clone();
            s[0] = sizes[i];
            parts[i] = own ? new Tensor(this, at, s, true) : new Tensor(this, at, s);
            at += sizes[i] * inner;
        }
        return parts;
    }

    /**
     * Marks this tensor's storage as held by its owner (data, a model's parameters): the autodiff
     * engine never decides on its own to write a result over a pinned storage (buffer donation).
     * {@code Var.param} and {@code Var.constant} pin the tensors they are given. Returns this.
     */
    public Tensor pin() {
        base.pinned = true;
        return this;
    }

    /** Whether this tensor and {@code other} lie in the same array (views of one storage, or parts of one). */
    public boolean sharesStorageWith(Tensor other) {
        return other != null && (fdata != null ? fdata == other.fdata : data == other.data);
    }

    /** Whether this tensor's storage, or a storage it is a part of, is {@linkplain #pin() pinned}. */
    public boolean isPinned() {
        for (Tensor b = base; b != null; b = b.parent) {
            if (b.pinned) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ in-place updates

    /** this += other (other broadcast to this shape, and of this dtype unless a scalar), in place; returns this. */
    public Tensor addInPlace(Tensor other) {
        markWritten();
        if (other.shape.length == 0 || other.size == 1 && Shape.broadcastsTo(other.shape, shape)) {
            return addInPlace(other.item());
        }
        if (other.dtype() != dtype()) {
            common(other, "addInPlace");
        }
        if (other.sameShape(this)) {
            if (fdata != null) {
                float[] o = other.fdata;
                int oo = other.offset;
                for (int i = 0; i < size; i++) {
                    fdata[offset + i] += o[oo + i];
                }
                return this;
            }
            double[] o = other.data;
            int oo = other.offset;
            for (int i = 0; i < size; i++) {
                data[offset + i] += o[oo + i];
            }
            return this;
        }
        if (!Shape.broadcastsTo(other.shape, shape)) {
            throw new IllegalArgumentException("cannot add shape " + Shape.format(other.shape)
                    + " in place into shape " + Shape.format(shape));
        }
        return addScaledInPlace(1.0, other.broadcastTo(shape));
    }

    /** this += c (every element), in place; returns this. */
    public Tensor addInPlace(double c) {
        markWritten();
        if (fdata != null) {
            float f = (float) c;
            for (int i = 0; i < size; i++) {
                fdata[offset + i] += f;
            }
            return this;
        }
        for (int i = 0; i < size; i++) {
            data[offset + i] += c;
        }
        return this;
    }

    /** this += alpha * other (same shape and dtype; one fused multiply-add each), in place; returns this. */
    public Tensor addScaledInPlace(double alpha, Tensor other) {
        markWritten();
        requireSameShape("addScaledInPlace", other);
        requireSameDType("addScaledInPlace", other);
        if (fdata != null) {
            float[] o = other.fdata;
            int oo = other.offset;
            float a = (float) alpha;
            for (int i = 0; i < size; i++) {
                fdata[offset + i] = Math.fma(a, o[oo + i], fdata[offset + i]);
            }
            return this;
        }
        double[] o = other.data;
        int oo = other.offset;
        for (int i = 0; i < size; i++) {
            data[offset + i] = Math.fma(alpha, o[oo + i], data[offset + i]);
        }
        return this;
    }

    /**
     * {@code this += op(a) · op(b)} for matrices (rank 2), in place, where op transposes when its
     * flag is set; the kernel accumulates the product straight into this tensor's storage (each
     * element continues its fused multiply-add chain from its current value). Returns this.
     */
    public Tensor addMatMulInPlace(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
        return matMulInPlace(a, transposeA, b, transposeB, true);
    }

    /**
     * {@code this = op(a) · op(b)} for matrices (rank 2), in place: bitwise the same values as
     * {@code a.matmul(transposeA, b, transposeB)}, written into this tensor's storage. Returns this.
     */
    public Tensor setToMatMulInPlace(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
        return matMulInPlace(a, transposeA, b, transposeB, false);
    }

    private Tensor matMulInPlace(Tensor a, boolean transposeA, Tensor b, boolean transposeB, boolean accumulate) {
        markWritten();
        if (a.rank() != 2 || b.rank() != 2 || shape.length != 2) {
            throw new IllegalArgumentException("in-place matrix product needs matrices, got shapes "
                    + inPlaceProduct(a, transposeA, b, transposeB, accumulate));
        }
        int m = transposeA ? a.shape[1] : a.shape[0];
        int k = transposeA ? a.shape[0] : a.shape[1];
        int kb = transposeB ? b.shape[1] : b.shape[0];
        int n = transposeB ? b.shape[0] : b.shape[1];
        if (k != kb || m != shape[0] || n != shape[1]) {
            throw new IllegalArgumentException("in-place matrix product: shapes "
                    + inPlaceProduct(a, transposeA, b, transposeB, accumulate) + " do not fit");
        }
        if (a.dtype() != dtype() || b.dtype() != dtype()) {
            throw new IllegalArgumentException("in-place matrix product " + inPlaceProduct(a, transposeA, b, transposeB,
                    accumulate) + ": dtypes " + dtype() + ", " + a.dtype() + " and " + b.dtype() + " do not mix");
        }
        if (fdata != null) {
            Kernels.gemm().gemm(transposeA, transposeB, m, n, k, a.fdata, a.offset, a.shape[1], b.fdata, b.offset,
                    b.shape[1], fdata, offset, n, accumulate);
        } else {
            Kernels.gemm().gemm(transposeA, transposeB, m, n, k, a.data, a.offset, a.shape[1], b.data, b.offset,
                    b.shape[1], data, offset, n, accumulate);
        }
        return this;
    }

    /** {@code [m, n] += [m, k] · [k, n]ᵀ} and the like, for error messages. */
    private String inPlaceProduct(Tensor a, boolean transposeA, Tensor b, boolean transposeB, boolean accumulate) {
        return Shape.format(shape) + (accumulate ? " += " : " = ") + Shape.format(a.shape) + (transposeA ? "ᵀ" : "")
                + " · " + Shape.format(b.shape) + (transposeB ? "ᵀ" : "");
    }

    /** this *= alpha, in place; returns this. */
    public Tensor scaleInPlace(double alpha) {
        markWritten();
        if (fdata != null) {
            float a = (float) alpha;
            for (int i = 0; i < size; i++) {
                fdata[offset + i] *= a;
            }
            return this;
        }
        for (int i = 0; i < size; i++) {
            data[offset + i] *= alpha;
        }
        return this;
    }

    /** Copies {@code source} (same shape and dtype) into this tensor, in place; returns this. */
    public Tensor assignInPlace(Tensor source) {
        markWritten();
        requireSameShape("assignInPlace", source);
        requireSameDType("assignInPlace", source);
        if (fdata != null) {
            System.arraycopy(source.fdata, source.offset, fdata, offset, size);
        } else {
            System.arraycopy(source.data, source.offset, data, offset, size);
        }
        return this;
    }

    /** Sets every element to {@code value} (rounded to float for float32), in place; returns this. */
    public Tensor fillInPlace(double value) {
        markWritten();
        if (fdata != null) {
            Arrays.fill(fdata, offset, offset + size, (float) value);
        } else {
            Arrays.fill(data, offset, offset + size, value);
        }
        return this;
    }

    private void requireSameDType(String op, Tensor other) {
        if (other.dtype() != dtype()) {
            throw new IllegalArgumentException(op + ": a " + dtype() + " tensor of shape " + Shape.format(shape)
                    + " and a " + other.dtype() + " tensor of shape " + Shape.format(other.shape)
                    + " do not mix; cast one (Tensor.cast, Ops.cast)");
        }
    }

    private void requireSameShape(String op, Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException(op + ": shapes " + Shape.format(shape) + " and "
                    + Shape.format(other.shape) + " differ");
        }
    }

    // ------------------------------------------------------------------ elementwise binary (broadcasting)

    /*
     * float32 operands: every elementwise operation below is computed on the exact float64 values
     * and rounded once to float32. For +, -, *, / and max/min that is exactly the float32 operation
     * (binary64 holds the exact result of one float32 operation to within a rounding that cannot
     * change the float32 result), so float32 results are those of float32 arithmetic.
     */

    public Tensor add(Tensor other) {
        return binary(other, Broadcast.Op.ADD);
    }

    public Tensor sub(Tensor other) {
        return binary(other, Broadcast.Op.SUB);
    }

    public Tensor mul(Tensor other) {
        return binary(other, Broadcast.Op.MUL);
    }

    public Tensor div(Tensor other) {
        return binary(other, Broadcast.Op.DIV);
    }

    /** Elementwise maximum (NaN if either is NaN). */
    public Tensor maximum(Tensor other) {
        return binary(other, Broadcast.Op.MAX);
    }

    /** Elementwise minimum (NaN if either is NaN). */
    public Tensor minimum(Tensor other) {
        return binary(other, Broadcast.Op.MIN);
    }

    private Tensor binary(Tensor other, Broadcast.Op op) {
        if (other == null) {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": the other operand is null");
        }
        DType d = common(other, op.name().toLowerCase());
        if (d == DType.FLOAT64 && fdata == null && other.fdata == null) {
            return Broadcast.apply(this, other, op);
        }
        if (d == DType.FLOAT32 && sameShape(other) && fdata != null && other.fdata != null
                && (op == Broadcast.Op.ADD || op == Broadcast.Op.MUL || op == Broadcast.Op.SUB)) {
            float[] out = new float[size];
            float[] a = fdata;
            float[] b = other.fdata;
            int ao = offset;
            int bo = other.offset;
            if (op == Broadcast.Op.ADD) {
                for (int i = 0; i < size; i++) {
                    out[i] = a[ao + i] + b[bo + i];
                }
            } else if (op == Broadcast.Op.MUL) {
                for (int i = 0; i < size; i++) {
                    out[i] = a[ao + i] * b[bo + i];
                }
            } else {
                for (int i = 0; i < size; i++) {
                    out[i] = a[ao + i] - b[bo + i];
                }
            }
            return new Tensor(out, 0, shape);
        }
        Tensor r = Broadcast.apply(wide(), other.cast(d).wide(), op);
        return d == DType.FLOAT32 ? r.cast(DType.FLOAT32) : r;
    }

    public Tensor add(double c) {
        return map(this, v -> v + (fdata != null ? (float) c : c));
    }

    public Tensor mul(double c) {
        if (fdata != null) {
            float f = (float) c;
            float[] d = new float[size];
            for (int i = 0; i < size; i++) {
                d[i] = fdata[offset + i] * f;
            }
            return new Tensor(d, 0, shape);
        }
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            d[i] = data[offset + i] * c;
        }
        return new Tensor(d, 0, shape);
    }

    // ------------------------------------------------------------------ elementwise unary

    public Tensor neg() {
        return mul(-1.0);
    }

    public Tensor exp() {
        return activation(EXP);
    }

    public Tensor tanh() {
        return activation(TANH);
    }

    public Tensor sigmoid() {
        return activation(SIGMOID);
    }

    /**
     * {@code this = tanh(this)}, in place; returns this. Bitwise the same values as {@link #tanh()}
     * (the kernel is elementwise): for a buffer no one else reads, such as a product just computed.
     */
    public Tensor tanhInPlace() {
        return activationInPlace(TANH);
    }

    /** {@code this = sigmoid(this)}, in place; returns this (bitwise the same values as {@link #sigmoid()}). */
    public Tensor sigmoidInPlace() {
        return activationInPlace(SIGMOID);
    }

    private static final int EXP = 0;
    private static final int TANH = 1;
    private static final int SIGMOID = 2;
    /** From this many elements on, activations are split over {@link Parallelism#threads()}. */
    private static final int PARALLEL_ACTIVATION = 1 << 14;

    /**
     * An elementwise kernel over this tensor into a new one, split into chunks (multiples of 8
     * elements) over the threads when large. Each element is computed the same way whatever the
     * chunk (the kernels are elementwise and their vector and scalar forms agree bitwise), so the
     * result does not depend on the number of threads.
     */
    private Tensor activation(int kind) {
        Tensor out = zerosLike(this);
        out.activation(kind, this);
        return out;
    }

    private Tensor activationInPlace(int kind) {
        markWritten();
        activation(kind, this);
        return this;
    }

    /** The kernel over {@code x}'s elements into this tensor's (which may be x itself). */
    private void activation(int kind, Tensor x) {
        if (fdata != null) {
            x.activation(kind, null, fdata, offset);
        } else {
            x.activation(kind, data, null, offset);
        }
    }

    /** The kernel over this tensor's elements into {@code d} or {@code f} (float32) from {@code dOff}. */
    private void activation(int kind, double[] d, float[] f, int dOff) {
        ActivationKernel k = Kernels.activations();
        int parts = size >= PARALLEL_ACTIVATION ? Parallelism.threads() : 1;
        if (parts <= 1) {
            activation(k, kind, 0, size, d, f, dOff);
        } else {
            int chunk = ((size + parts - 1) / parts + 15) & ~15;
            Parallelism.run(parts, i -> {
                int from = i * chunk;
                int to = Math.min(size, from + chunk);
                if (from < to) {
                    activation(k, kind, from, to - from, d, f, dOff);
                }
            });
        }
    }

    private void activation(ActivationKernel k, int kind, int from, int n, double[] d, float[] f, int dOff) {
        if (fdata != null) {
            switch (kind) {
                case EXP:
                    k.exp(fdata, offset + from, f, dOff + from, n);
                    break;
                case TANH:
                    k.tanh(fdata, offset + from, f, dOff + from, n);
                    break;
                default:
                    k.sigmoid(fdata, offset + from, f, dOff + from, n);
            }
            return;
        }
        switch (kind) {
            case EXP:
                k.exp(data, offset + from, d, dOff + from, n);
                break;
            case TANH:
                k.tanh(data, offset + from, d, dOff + from, n);
                break;
            default:
                k.sigmoid(data, offset + from, d, dOff + from, n);
        }
    }

    /**
     * The gradient of tanh from its output: {@code into = g ⊙ (1 − this²)} where this tensor is
     * {@code y = tanh(x)}, element by element (so {@code into} may be {@code g} itself). Same shape
     * and dtype. Returns {@code into}.
     */
    public Tensor tanhGradient(Tensor g, Tensor into) {
        return activationGradient(g, into, true);
    }

    /**
     * The gradient of the logistic sigmoid from its output: {@code into = g ⊙ this ⊙ (1 − this)}
     * where this tensor is {@code y = sigmoid(x)}; see {@link #tanhGradient}. Returns {@code into}.
     */
    public Tensor sigmoidGradient(Tensor g, Tensor into) {
        return activationGradient(g, into, false);
    }

    private Tensor activationGradient(Tensor g, Tensor into, boolean tanh) {
        requireSameShape(tanh ? "tanhGradient" : "sigmoidGradient", g);
        requireSameShape(tanh ? "tanhGradient" : "sigmoidGradient", into);
        requireSameDType(tanh ? "tanhGradient" : "sigmoidGradient", g);
        requireSameDType(tanh ? "tanhGradient" : "sigmoidGradient", into);
        into.markWritten();
        int yo = offset;
        int go = g.offset;
        int oo = into.offset;
        if (fdata != null) {
            float[] yd = fdata;
            float[] gd = g.fdata;
            float[] od = into.fdata;
            for (int i = 0; i < size; i++) {
                float v = yd[yo + i];
                od[oo + i] = tanh ? gd[go + i] * (1.0f - v * v) : gd[go + i] * v * (1.0f - v);
            }
            return into;
        }
        double[] yd = data;
        double[] gd = g.data;
        double[] od = into.data;
        if (tanh) {
            for (int i = 0; i < size; i++) {
                double v = yd[yo + i];
                od[oo + i] = gd[go + i] * (1.0 - v * v);
            }
        } else {
            for (int i = 0; i < size; i++) {
                double v = yd[yo + i];
                od[oo + i] = gd[go + i] * v * (1.0 - v);
            }
        }
        return into;
    }

    /** This tensor's elements where {@code selector} is positive, +0.0 elsewhere (relu's gradient, with selector its output). */
    public Tensor wherePositive(Tensor selector) {
        requireSameShape("wherePositive", selector);
        if (fdata != null || selector.fdata != null) {
            return narrow(wide().wherePositive(selector.wide()));
        }
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = selector.data[selector.offset + i] > 0 ? data[offset + i] : 0.0;
        }
        return new Tensor(out, 0, shape);
    }

    /** Natural logarithm ({@link Math#log}). */
    public Tensor log() {
        return map(this, Math::log);
    }

    public Tensor sqrt() {
        return map(this, Math::sqrt);
    }

    public Tensor abs() {
        return map(this, Math::abs);
    }

    public Tensor square() {
        if (fdata != null) {
            return mul(this);
        }
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            double v = data[offset + i];
            d[i] = v * v;
        }
        return new Tensor(d, 0, shape);
    }

    /** max(x, 0). */
    public Tensor relu() {
        return map(this, v -> v > 0 ? v : 0.0);
    }

    /** x^p elementwise ({@link Math#pow}). */
    public Tensor pow(double p) {
        if (p == 2.0) {
            return square();
        }
        return map(this, v -> Math.pow(v, p));
    }

    /** Applies {@code f} to every element. */
    public Tensor map(DoubleUnaryOperator f) {
        return map(this, f);
    }

    /** {@code f} on every element; for float32, on the exact float64 value, rounded once to float32. */
    private static Tensor map(Tensor t, DoubleUnaryOperator f) {
        if (t.fdata != null) {
            float[] d = new float[t.size];
            for (int i = 0; i < t.size; i++) {
                d[i] = (float) f.applyAsDouble(t.fdata[t.offset + i]);
            }
            return new Tensor(d, 0, t.shape);
        }
        double[] d = new double[t.size];
        for (int i = 0; i < t.size; i++) {
            d[i] = f.applyAsDouble(t.data[t.offset + i]);
        }
        return new Tensor(d, 0, t.shape);
    }

    // ------------------------------------------------------------------ reductions

    /**
     * Sum of all elements in row-major order, as a rank-0 tensor; equal bit for bit to
     * {@code sum(allAxes, false)}. The sum of no elements is +0.0.
     */
    public Tensor sum() {
        if (fdata != null) {
            return narrow(wide().sum());
        }
        double s = size == 0 ? 0.0 : -0.0; // -0.0 + x == x exactly, so the sum of {-0.0} is -0.0
        for (int i = 0; i < size; i++) {
            s += data[offset + i];
        }
        return scalar(s);
    }

    /** Sum over the given axes (negative counts from the end). */
    public Tensor sum(int[] axes, boolean keepDims) {
        return narrow(Reduce.apply(wide(), axes, keepDims, Reduce.Op.SUM));
    }

    /** Sum over one axis. */
    public Tensor sum(int axis, boolean keepDims) {
        return sum(new int[] {axis}, keepDims);
    }

    /** Mean of all elements, as a rank-0 tensor. */
    public Tensor mean() {
        if (size == 0) {
            throw new IllegalArgumentException("mean of an empty tensor of shape " + Shape.format(shape));
        }
        return scalar(dtype(), wide().sum().item() / size);
    }

    /** Mean over the given axes. */
    public Tensor mean(int[] axes, boolean keepDims) {
        return narrow(Reduce.apply(wide(), axes, keepDims, Reduce.Op.MEAN));
    }

    /** Maximum over the given axes. */
    public Tensor max(int[] axes, boolean keepDims) {
        return narrow(Reduce.apply(wide(), axes, keepDims, Reduce.Op.MAX));
    }

    /** Minimum over the given axes. */
    public Tensor min(int[] axes, boolean keepDims) {
        return narrow(Reduce.apply(wide(), axes, keepDims, Reduce.Op.MIN));
    }

    /** Largest element (NaN if any element is NaN). */
    public double maxValue() {
        if (fdata != null) {
            return wide().maxValue();
        }
        requireNonEmpty("maxValue");
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            double v = data[offset + i];
            if (Double.isNaN(v)) {
                return v;
            }
            m = Math.max(m, v);
        }
        return m;
    }

    /** Smallest element (NaN if any element is NaN). */
    public double minValue() {
        if (fdata != null) {
            return wide().minValue();
        }
        requireNonEmpty("minValue");
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            double v = data[offset + i];
            if (Double.isNaN(v)) {
                return v;
            }
            m = Math.min(m, v);
        }
        return m;
    }

    /** Index of the largest element along the last axis; the result drops that axis. */
    public int[] argmaxLastAxis() {
        if (fdata != null) {
            return wide().argmaxLastAxis();
        }
        if (shape.length == 0) {
            throw new IllegalArgumentException("argmax needs rank >= 1, got shape []");
        }
        int n = shape[shape.length - 1];
        if (n == 0) {
            throw new IllegalArgumentException("argmax over an empty last axis, shape " + Shape.format(shape));
        }
        int rows = size / n;
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int base = offset + r * n;
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (data[base + j] > data[base + best]) {
                    best = j;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** Euclidean norm of all elements (scaled to avoid overflow). */
    public double norm() {
        if (fdata != null) {
            return wide().norm();
        }
        double scale = 0;
        for (int i = 0; i < size; i++) {
            scale = Math.max(scale, Math.abs(data[offset + i]));
        }
        if (scale == 0 || Double.isInfinite(scale) || Double.isNaN(scale)) {
            return scale;
        }
        double s = 0;
        for (int i = 0; i < size; i++) {
            double v = data[offset + i] / scale;
            s += v * v;
        }
        return scale * Math.sqrt(s);
    }

    /** Sum of squares of all elements. */
    public double sumOfSquares() {
        if (fdata != null) {
            return wide().sumOfSquares();
        }
        double s = 0;
        for (int i = 0; i < size; i++) {
            double v = data[offset + i];
            s = Math.fma(v, v, s);
        }
        return s;
    }

    /** Sum of elementwise products with a tensor of the same shape. */
    public double dot(Tensor other) {
        requireSameShape("dot", other);
        if (fdata != null || other.fdata != null) {
            requireSameDType("dot", other);
            return wide().dot(other.wide());
        }
        double s = 0;
        for (int i = 0; i < size; i++) {
            s = Math.fma(data[offset + i], other.data[other.offset + i], s);
        }
        return s;
    }

    /** True if every element is finite. */
    public boolean allFinite() {
        return firstNonFinite() < 0;
    }

    /** Flat position of the first non-finite element, or -1. */
    public int firstNonFinite() {
        if (fdata != null) {
            for (int i = 0; i < size; i++) {
                if (!Float.isFinite(fdata[offset + i])) {
                    return i;
                }
            }
            return -1;
        }
        for (int i = 0; i < size; i++) {
            if (!Double.isFinite(data[offset + i])) {
                return i;
            }
        }
        return -1;
    }

    private void requireNonEmpty(String op) {
        if (size == 0) {
            throw new IllegalArgumentException(op + " of an empty tensor of shape " + Shape.format(shape));
        }
    }

    /**
     * Sums this tensor down to {@code target}, the inverse of broadcasting {@code target} up to
     * this shape (used for gradients of broadcast operands). A new tensor, also when the shape
     * already matches.
     */
    public Tensor sumTo(int... target) {
        if (Arrays.equals(shape, target)) {
            return copy();
        }
        if (!Shape.broadcastsTo(target, shape)) {
            throw new IllegalArgumentException("cannot sum shape " + Shape.format(shape) + " down to shape "
                    + Shape.format(target) + ": the target does not broadcast to it");
        }
        int lead = shape.length - target.length;
        int[] axes = new int[shape.length];
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) {
                axes[n++] = i;
            }
        }
        Tensor reduced = narrow(Reduce.apply(wide(), Arrays.copyOf(axes, n), true, Reduce.Op.SUM));
        return reduced.reshape(target);
    }

    // ------------------------------------------------------------------ shape manipulation

    /**
     * The same elements with a new shape of equal size; one dimension may be -1 (inferred).
     * Returns a view sharing storage.
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape of " + Shape.format(shape) + " to "
                            + Arrays.toString(newShape) + ": at most one dimension may be -1");
                }
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape of " + Shape.format(shape) + " to "
                        + Arrays.toString(newShape) + ": negative dimension");
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Shape.format(shape) + " (" + size
                        + " elements) to " + Arrays.toString(newShape));
            }
            s[infer] = (int) (size / known);
        }
        if (Shape.size(s) != size) {
            throw new IllegalArgumentException("cannot reshape " + Shape.format(shape) + " (" + size
                    + " elements) to " + Shape.format(s) + " (" + Shape.size(s) + " elements)");
        }
        return new Tensor(this, offset, s);
    }

    /** Swaps the last two axes (matrix transpose; a rank-1 or rank-0 tensor is copied unchanged). */
    public Tensor transpose() {
        if (fdata != null) {
            return narrow(wide().transpose());
        }
        if (shape.length < 2) {
            return copy();
        }
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[perm.length - 1] = perm.length - 2;
        perm[perm.length - 2] = perm.length - 1;
        return permute(perm);
    }

    /** Reorders axes: result dimension i is this tensor's dimension {@code perm[i]}. */
    public Tensor permute(int... perm) {
        if (fdata != null) {
            return narrow(wide().permute(perm));
        }
        int r = shape.length;
        if (perm.length != r) {
            throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " does not match shape "
                    + Shape.format(shape));
        }
        boolean[] seen = new boolean[r];
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int p = perm[i];
            if (p < 0 || p >= r || seen[p]) {
                throw new IllegalArgumentException("invalid permutation " + Arrays.toString(perm) + " for shape "
                        + Shape.format(shape));
            }
            seen[p] = true;
            out[i] = shape[p];
        }
        int[] inStrides = Shape.strides(shape);
        int[] src = new int[r];
        for (int i = 0; i < r; i++) {
            src[i] = inStrides[perm[i]];
        }
        double[] d = new double[size];
        if (r == 2 && perm[0] == 1) {
            int m = shape[0];
            int n = shape[1];
            // blocked transpose for cache friendliness
            final int bs = 32;
            for (int i0 = 0; i0 < m; i0 += bs) {
                for (int j0 = 0; j0 < n; j0 += bs) {
                    int iMax = Math.min(i0 + bs, m);
                    int jMax = Math.min(j0 + bs, n);
                    for (int i = i0; i < iMax; i++) {
                        for (int j = j0; j < jMax; j++) {
                            d[j * m + i] = data[offset + i * n + j];
                        }
                    }
                }
            }
            return new Tensor(d, 0, out);
        }
        Strided.copy(data, offset, src, out, d);
        return new Tensor(d, 0, out);
    }

    /**
     * Elements {@code from} (inclusive) to {@code to} (exclusive) along {@code axis}. Along axis 0
     * the result is a view sharing storage; along other axes a copy.
     */
    public Tensor slice(int axis, int from, int to) {
        int a = Shape.axis(axis, shape);
        if (from < 0 || to > shape[a] || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") out of range for axis " + axis
                    + " of shape " + Shape.format(shape));
        }
        int[] out = shape.clone();
        out[a] = to - from;
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= shape[i];
        }
        if (a == 0) {
            return new Tensor(this, offset + from * inner, out);
        }
        int chunk = (to - from) * inner;
        if (fdata != null) {
            float[] f = new float[outer * chunk];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(fdata, offset + (o * shape[a] + from) * inner, f, o * chunk, chunk);
            }
            return new Tensor(f, 0, out);
        }
        double[] d = new double[outer * chunk];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(data, offset + (o * shape[a] + from) * inner, d, o * chunk, chunk);
        }
        return new Tensor(d, 0, out);
    }

    /** Sub-tensor at position {@code i} of axis 0, as a view (rank drops by one). */
    public Tensor row(int i) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("row() needs rank >= 1, got shape []");
        }
        if (i < 0 || i >= shape[0]) {
            throw new IllegalArgumentException("row " + i + " out of range for shape " + Shape.format(shape));
        }
        int[] out = Arrays.copyOfRange(shape, 1, shape.length);
        return new Tensor(this, offset + i * Shape.size(out), out);
    }

    /** Joins tensors along {@code axis}; all other dimensions must agree. */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        int[] first = parts[0].shape;
        if (axis < -first.length || axis >= first.length) {
            throw new IllegalArgumentException("concat along axis " + axis + ": out of range for shapes "
                    + describeShapes(parts));
        }
        int a = Shape.axis(axis, first);
        int total = 0;
        for (Tensor p : parts) {
            if (p.shape.length != first.length) {
                throw new IllegalArgumentException("concat along axis " + axis + ": shapes "
                        + describeShapes(parts) + " differ in rank");
            }
            for (int i = 0; i < first.length; i++) {
                if (i != a && p.shape[i] != first[i]) {
                    throw new IllegalArgumentException("concat along axis " + axis + ": shapes "
                            + describeShapes(parts) + " differ outside that axis");
                }
            }
            total += p.shape[a];
        }
        DType dtype = sameDType("concat", parts);
        if (dtype == DType.FLOAT32) {
            Tensor[] wide = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                wide[i] = parts[i].wide();
            }
            return concat(a, wide).cast(DType.FLOAT32);
        }
        int[] out = first.clone();
        out[a] = total;
        int inner = 1;
        for (int i = a + 1; i < first.length; i++) {
            inner *= first[i];
        }
        int outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= first[i];
        }
        double[] d = new double[Shape.size(out)];
        int rowLen = total * inner;
        int pos = 0;
        for (Tensor p : parts) {
            int chunk = p.shape[a] * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(p.data, p.offset + o * chunk, d, o * rowLen + pos, chunk);
            }
            pos += chunk;
        }
        return new Tensor(d, 0, out);
    }

    /** Stacks tensors of equal shape along a new leading axis. */
    public static Tensor stack(Tensor... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("stack needs at least one tensor");
        }
        int[] s = parts[0].shape;
        int n = Shape.size(s);
        if (sameDType("stack", parts) == DType.FLOAT32) {
            Tensor[] wide = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                wide[i] = parts[i].wide();
            }
            return stack(wide).cast(DType.FLOAT32);
        }
        double[] d = new double[n * parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!Arrays.equals(parts[i].shape, s)) {
                throw new IllegalArgumentException("stack: shapes " + describeShapes(parts) + " differ");
            }
            System.arraycopy(parts[i].data, parts[i].offset, d, i * n, n);
        }
        int[] out = new int[s.length + 1];
        out[0] = parts.length;
        System.arraycopy(s, 0, out, 1, s.length);
        return new Tensor(d, 0, out);
    }

    /** The parts' common dtype, or an error naming the dtypes that differ. */
    private static DType sameDType(String op, Tensor... parts) {
        DType d = parts[0].dtype();
        for (Tensor p : parts) {
            if (p.dtype() != d) {
                throw new IllegalArgumentException(op + ": tensors of dtypes " + d + " and " + p.dtype()
                        + " do not mix (shapes " + describeShapes(parts) + "); cast one (Tensor.cast, Ops.cast)");
            }
        }
        return d;
    }

    static String describeShapes(Tensor... ts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ts.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(Shape.format(ts[i].shape));
        }
        return sb.toString();
    }

    /** Expands this tensor to {@code target} by broadcasting (a copy, also when the shape already matches). */
    public Tensor broadcastTo(int... target) {
        if (fdata != null) {
            return narrow(wide().broadcastTo(target));
        }
        if (Arrays.equals(shape, target)) {
            return copy();
        }
        if (!Shape.broadcastsTo(shape, target) || Arrays.stream(target).anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("shape " + Shape.format(shape) + " cannot be broadcast to shape "
                    + Shape.format(target));
        }
        int[] t = target.clone();
        double[] d = new double[Shape.size(t)];
        if (size == 1) {
            Arrays.fill(d, data[offset]); // a scalar spread over the target: no index walk
        } else if (size == t[t.length - 1] && shape[shape.length - 1] == size) {
            // a row ([n], [1, n], ...) repeated down the rows of the target (a bias): one copy a row
            for (int o = 0; o < d.length; o += size) {
                System.arraycopy(data, offset, d, o, size);
            }
        } else {
            Strided.copy(data, offset, Shape.broadcastStrides(shape, t), t, d);
        }
        return new Tensor(d, 0, t);
    }

    // ------------------------------------------------------------------ matrix products

    /**
     * The matrix product with NumPy {@code matmul} rules: rank-1 · rank-1 is a dot product (rank
     * 0); a rank-1 left operand is a row vector and a rank-1 right operand a column vector (the
     * added dimension is removed from the result); ranks above 2 are batches of matrices whose
     * leading dimensions broadcast.
     */
    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, false, other, false);
    }

    /**
     * {@code op(this) · op(other)} where op transposes the last two axes when the flag is set,
     * without materializing the transpose. Both operands must have rank at least 2.
     */
    public Tensor matmul(boolean transposeThis, Tensor other, boolean transposeOther) {
        return MatMul.matmul(this, transposeThis, other, transposeOther);
    }

    // ------------------------------------------------------------------ comparison and printing

    /** True if shapes are equal and every element is bitwise equal (NaN equals NaN). */
    public boolean bitwiseEquals(Tensor other) {
        if (!Arrays.equals(shape, other.shape) || dtype() != other.dtype()) {
            return false;
        }
        if (fdata != null) {
            for (int i = 0; i < size; i++) {
                if (Float.floatToIntBits(fdata[offset + i]) != Float.floatToIntBits(other.fdata[other.offset + i])) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < size; i++) {
            if (Double.doubleToLongBits(data[offset + i]) != Double.doubleToLongBits(other.data[other.offset + i])) {
                return false;
            }
        }
        return true;
    }

    /** True if shapes are equal and {@code |a - b| <= atol + rtol |b|} for every element (values compared as float64). */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!Arrays.equals(shape, other.shape)) {
            return false;
        }
        if (fdata != null || other.fdata != null) {
            return wide().allClose(other.wide(), rtol, atol);
        }
        for (int i = 0; i < size; i++) {
            double a = data[offset + i];
            double b = other.data[other.offset + i];
            if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b)) && !(a == b)) {
                return false;
            }
        }
        return true;
    }

    /** Largest |a - b| over all elements of two tensors of the same shape. */
    public double maxAbsDiff(Tensor other) {
        requireSameShape("maxAbsDiff", other);
        if (fdata != null || other.fdata != null) {
            return wide().maxAbsDiff(other.wide());
        }
        double m = 0;
        for (int i = 0; i < size; i++) {
            m = Math.max(m, Math.abs(data[offset + i] - other.data[other.offset + i]));
        }
        return m;
    }

    @Override
    public String toString() {
        if (fdata != null) {
            return wide().toString().replaceFirst("^Tensor", "Tensor(float32)");
        }
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.format(shape)).append(' ');
        if (size > 64) {
            sb.append('[');
            for (int i = 0; i < 6; i++) {
                sb.append(data[offset + i]).append(", ");
            }
            return sb.append("... (").append(size).append(" elements)]").toString();
        }
        appendNested(sb, 0, 0);
        return sb.toString();
    }

    private int appendNested(StringBuilder sb, int dim, int pos) {
        if (dim == shape.length) {
            sb.append(data[offset + pos]);
            return pos + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[dim]; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            pos = appendNested(sb, dim + 1, pos);
        }
        sb.append(']');
        return pos;
    }
}
