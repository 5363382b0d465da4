/**
 * Checkpointed chains: T repeated steps whose activations are recomputed instead of stored, with
 * the schedules of the literature and a planner that predicts their cost.
 *
 * <p>Public: {@link io.chainrule.autodiff.checkpoint.Step}, {@link io.chainrule.autodiff.checkpoint.CheckpointedChain#run},
 * {@link io.chainrule.autodiff.checkpoint.Schedule} ({@code storeAll}, {@code everyK}, {@code sqrtT},
 * {@code optimal}, two {@code budget}s), {@link io.chainrule.autodiff.checkpoint.Planner#plan} and
 * {@link io.chainrule.autodiff.checkpoint.Plan}. Everything else is package-private.
 *
 * <h2>NOTE [ Revolve with nested checkpoints ]</h2>
 *
 * A schedule becomes a <em>layout</em>: the steps cut into parts, each either recorded ("taped")
 * or a {@link io.chainrule.autodiff.Checkpoint} whose segment lays out its own steps again when it
 * is recomputed. The binomial layout of l steps with s slots is
 * {@code [ckpt(i1 steps; s slots), ckpt(i2; s − 1), …, ckpt(ik; s − k + 1), one taped step]}, where
 * each i is the optimal split of what is left ({@code Revolve.split}). Running it:
 *
 * <ul>
 *   <li>Forward evaluates each step once: checkpoint segments run under NoGrad, where nested
 *       checkpoints are transparent (and the executor just loops), and the last step is recorded.</li>
 *   <li>Backward differentiates the taped step, then meets the checkpoints last first. Each frees
 *       its state and recomputes its segment with recording on, which is the same layout one level
 *       down: i unrecorded evaluations inside new checkpoints, then the rest.</li>
 * </ul>
 *
 * Counting: with E(l, s) the evaluations of a layout run with recording and then differentiated,
 * E(l, s) = l + Σ_j E(i_j, s_j) (forward once, then each checkpoint's recomputation). With
 * E = l + P this is P(l, s) = Σ_j (i_j + P(i_j, s_j)) = i1 + P(i1, s) + P(l − i1, s − 1), which is
 * revolve's recursion for p with the same split; so a nested-checkpoint realization of revolve's
 * splits costs exactly {@code T + p(T, s)} evaluations, no more. (The inner checkpoint's segment is
 * indeed evaluated both during the outer recomputation and during its own; that is revolve's
 * "advance i, then reverse the first i with s slots", not a duplicate.) At most s states are kept
 * at once, because a checkpoint frees its state before recomputing, and one step is recorded at a
 * time. Tests count the step calls of real runs against {@link io.chainrule.autodiff.checkpoint.Planner}.
 *
 * <p>The same layout over blocks of k steps (splits at block boundaries, the last block recorded
 * whole) is what {@code Schedule.budget(bytes, bytesPerState, bytesPerStep)} chooses from: T + k·p(T/k, s)
 * evaluations when k divides T, with at most s states and k recorded steps held.
 *
 * <p>Java recursion stays shallow whatever T and s: layouts expand one level at a time, a
 * checkpoint's forward is a plain loop, and the engine runs recomputations from its own queue.
 */
package io.chainrule.autodiff.checkpoint;
