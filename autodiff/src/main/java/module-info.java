/**
 * Reverse-mode automatic differentiation: {@code Var}, the op contract ({@code Op},
 * {@code Gradients}), the operations ({@code Ops}), checkpointing, gradient checking, losses and
 * optimizers. The built-in primitives ({@code io.chainrule.autodiff.op}) and the engine that walks
 * the graph ({@code io.chainrule.autodiff.engine}) are not exported: a user's op is written against
 * the same exported contract as the built-in ones.
 */
module io.chainrule.autodiff {
    requires transitive io.chainrule.core;

    exports io.chainrule.autodiff;
    exports io.chainrule.autodiff.checkpoint;
    exports io.chainrule.autodiff.optim;
}
