package io.chainrule.spark;

import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.io.Serializable;

/** A tensor as it crosses the network: its shape and its elements in row-major order. */
record FlatTensor(int[] shape, double[] data) implements Serializable {

    static FlatTensor of(Tensor t) {
        return new FlatTensor(t.shape(), t.toArray());
    }

    /** A tensor over {@link #data} (not a copy). */
    Tensor tensor() {
        return Tensor.wrap(data, shape);
    }

    String describeShape() {
        return Shape.format(shape);
    }
}
