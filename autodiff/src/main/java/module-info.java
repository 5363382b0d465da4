/**
 * Reverse-mode automatic differentiation: {@code Var}, the op contract ({@code Op},
 * {@code Gradients}), the operations ({@code Ops}), checkpointing, gradient checking, losses and
 * optimizers. The built-in primitives ({@code io.chainrule.autodiff.op}) and the engine that walks
 * the graph ({@code io.chainrule.autodiff.engine}) are not exported: a user's op is written against
 * the same exported contract as the built-in ones. {@code io.chainrule.autodiff.testing} holds
 * random differentiable programs over the public ops, and jqwik generators of them (jqwik is an
 * optional dependency).
 */
module io.chainrule.autodiff {
    requires transitive io.chainrule.core;
    requires static net.jqwik.api;

    exports io.chainrule.autodiff;
    exports io.chainrule.autodiff.checkpoint;
    exports io.chainrule.autodiff.optim;
    exports io.chainrule.autodiff.testing;
}
