package io.chainrule.autodiff;

import io.chainrule.autodiff.engine.Walk;
import io.chainrule.core.Tensor;

/** {@link Gradients} over the engine's walk, for whichever op it is running. */
final class PassGradients implements Gradients {
    private final Walk walk;

    PassGradients(Walk walk) {
        this.walk = walk;
    }

    @Override
    public Tensor output() {
        return walk.output(0);
    }

    @Override
    public Tensor output(int slot) {
        return walk.output(slot);
    }

    @Override
    public void set(int input, Tensor gradient) {
        walk.set(input, gradient);
    }

    @Override
    public void addProduct(int input, Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
        walk.addProduct(input, a, transposeA, b, transposeB);
    }

    @Override
    public void fill(int input, double value) {
        walk.fill(input, value);
    }

    @Override
    public Tensor destination(int input) {
        return walk.destination(input);
    }

    @Override
    public Tensor destinationInPlace(int input) {
        return walk.destinationInPlace(input);
    }

    @Override
    public Tensor overwritableOutput() {
        return walk.overwritableOutput();
    }

    @Override
    public Tensor joinedOutputs() {
        return walk.joinedOutputs();
    }

    /** For a checkpoint: hands a recomputed value its gradient, with the ownership it had ({@link #owns}). */
    void deliverTo(Var target, Tensor grad, boolean owned) {
        if (target.requiresGrad()) {
            walk.deliverTo(target.node, target.slot, grad, owned);
        }
    }

    /** Whether the engine owns the gradient buffer of output {@code slot} of the running op. */
    boolean owns(int slot) {
        return walk.owns(slot);
    }

    /** Frees the running op's saved values now, before it has finished (its last use of them is over). */
    void releaseSaved() {
        walk.releaseRunning();
    }

    /** Whether the running op keeps its saved values after it has run (a retained graph). */
    boolean keepsAfterRun() {
        return walk.keepsAfterRun();
    }
}
