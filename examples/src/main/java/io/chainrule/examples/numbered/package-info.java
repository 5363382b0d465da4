/**
 * Small programs, one idea each, to read in order. Run one with
 * {@code java -cp examples/target/chainrule.jar io.chainrule.examples.numbered.Example01ScalarGradient}
 * (add {@code --add-modules jdk.incubator.vector} for the fast kernels). Each checks what it
 * claims and exits with an error if the claim does not hold.
 *
 * <ol>
 *   <li>{@link io.chainrule.examples.numbered.Example01ScalarGradient}: a gradient by backward, beside the calculus.</li>
 *   <li>{@link io.chainrule.examples.numbered.Example02LinearRnnClosedForm}: BPTT of the linear RNN against the chapter's closed form.</li>
 *   <li>{@link io.chainrule.examples.numbered.Example03UserDefinedCell}: a new recurrent cell in 20 lines, checked with GradCheck.</li>
 *   <li>{@link io.chainrule.examples.numbered.Example04VanishingExploding}: gradients shrink or grow by the spectral radius per step.</li>
 *   <li>{@link io.chainrule.examples.numbered.Example05CheckpointTradeoff}: memory against recomputation with checkpoint schedules.</li>
 *   <li>{@link io.chainrule.examples.numbered.Example06UserDefinedOp}: a differentiable op of your own (softplus), checked, checkpointed, guarded.</li>
 * </ol>
 */
package io.chainrule.examples.numbered;
