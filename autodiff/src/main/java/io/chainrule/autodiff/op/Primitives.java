package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.Op;

import java.util.List;

/**
 * The closed set of primitive operations: the only classes with derivative code. Everything in
 * {@link io.chainrule.autodiff.Ops} that is not listed here is a composite of these. Each has a
 * gradient property test; a test checks that this list and those tests agree.
 */
public final class Primitives {
    private Primitives() {
    }

    /** Every primitive op, in the order of {@code Ops}. */
    public static final List<Class<? extends Op>> ALL = List.of(
            Add.class, Mul.class, Neg.class, Pow.class, Exp.class, Log.class,
            Tanh.class, Sigmoid.class, Relu.class,
            Sum.class, Reshape.class, Permute.class, Slice.class, Split.class, Concat.class, BroadcastTo.class,
            MatMul.class, AddMatMul.class, LstmGates.class, GruGates.class, ScaleGrad.class, Identity.class, Cast.class,
            Checkpoint.class);
}
