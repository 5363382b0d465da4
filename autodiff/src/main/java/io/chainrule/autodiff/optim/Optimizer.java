package io.chainrule.autodiff.optim;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from the gradients that backward left in {@link Var#grad()}.
 *
 * <p><b>Skipped parameters.</b> A parameter whose {@code grad()} is {@code null} when
 * {@link #step()} runs is skipped entirely: its value, its optimizer state and its own update
 * count stay as they were (as in PyTorch, where such a parameter has no gradient this step).
 * A zero gradient is not skipped: momentum, weight decay and Adam's moments still act on it.
 *
 * <p><b>Atomicity.</b> {@code step()} and {@link #loadState} check everything they need before
 * changing anything: when they throw, no parameter value and no optimizer state has changed.
 *
 * <p><b>Saving and resuming.</b> {@link #state()} exports the optimizer's evolving state as
 * named tensors; {@link #loadState} into a fresh optimizer built with the same hyperparameters
 * over parameters holding the same values continues the run bitwise identically to an
 * uninterrupted one (every update is computed in a fixed order with deterministic arithmetic:
 * {@code +, -, *, /}, {@link Math#sqrt} and {@link StrictMath#pow}). The keys are:
 * <ul>
 *   <li>{@code "step"}: the number of completed {@link #step()} calls, {@link #stepCount()}, as a
 *       rank-0 tensor;</li>
 *   <li>{@code "step.<i>"}: how many of those steps updated parameter {@code i} (its position in
 *       {@link #parameters()}), present once it is at least 1;</li>
 *   <li>{@code "<buffer>.<i>"}: parameter {@code i}'s buffers, present with {@code "step.<i>"}, with
 *       the parameter's shape; the buffer names are listed by each implementation
 *       ({@code momentum_buffer} for {@link Sgd}, {@code exp_avg} and {@code exp_avg_sq} for
 *       {@link Adam}).</li>
 * </ul>
 * Hyperparameters are configuration, not state: they are not exported. Parameter values are not
 * part of the optimizer's state either; save them beside it.
 *
 * <p>An optimizer is not thread-safe.
 */
public interface Optimizer {

    /** The parameters this optimizer updates, in the order given at construction (immutable). */
    List<Var> parameters();

    /**
     * Updates every parameter that has a gradient, in place, and counts one step. Gradients are
     * read, never modified or cleared (call {@link #zeroGrad()} before the next backward).
     *
     * @throws ArithmeticException if the optimizer was built to reject non-finite gradients and a
     *     gradient holds NaN or an infinity; nothing has changed then
     */
    void step();

    /** Forgets every parameter's gradient ({@link Var#zeroGrad()}: {@code grad()} becomes null). */
    void zeroGrad();

    /** The number of completed {@link #step()} calls (restored by {@link #loadState}). */
    long stepCount();

    /**
     * A snapshot of the optimizer's state: an unmodifiable map of copies, with the keys described
     * above, in parameter order. Later steps do not change it.
     */
    Map<String, Tensor> state();

    /**
     * Replaces this optimizer's state with {@code state} (as returned by {@link #state()}, possibly
     * by another instance); the tensors are copied.
     *
     * @throws IllegalArgumentException naming the key, if a key is unknown, refers to a parameter
     *     index outside {@code [0, parameters().size())}, is missing, or holds a tensor of the wrong
     *     shape or a count that is not an integer in range; nothing has changed then
     */
    void loadState(Map<String, Tensor> state);
}
