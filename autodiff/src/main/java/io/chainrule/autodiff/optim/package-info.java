/**
 * Optimizers and gradient clipping: the code that turns the gradients left in
 * {@link io.chainrule.autodiff.Var#grad()} by backward into parameter updates.
 *
 * <ul>
 *   <li>{@link io.chainrule.autodiff.optim.Optimizer}: the contract (step, zeroGrad, state export and
 *       import for bitwise-exact resumption).</li>
 *   <li>{@link io.chainrule.autodiff.optim.Sgd} and {@link io.chainrule.autodiff.optim.Adam}, with the
 *       semantics of {@code torch.optim.SGD} and {@code torch.optim.Adam}.</li>
 *   <li>{@link io.chainrule.autodiff.optim.Clip}: global-norm and per-element gradient clipping.</li>
 * </ul>
 *
 * <p>A training step:
 * <pre>{@code
 * Optimizer opt = Adam.builder(1e-3).build(params);
 * for (Batch b : batches) {
 *     opt.zeroGrad();
 *     Var loss = model.loss(b);
 *     loss.backward();
 *     Clip.clipGradNorm(params, 1.0);
 *     opt.step();
 * }
 * }</pre>
 */
package io.chainrule.autodiff.optim;
