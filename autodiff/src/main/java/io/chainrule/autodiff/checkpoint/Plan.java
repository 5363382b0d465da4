package io.chainrule.autodiff.checkpoint;

/**
 * What a schedule costs for a chain of T steps, differentiated once: step evaluations and memory,
 * counted by walking the exact sequence of checkpoints {@link CheckpointedChain#run} creates and the
 * order in which backward recomputes them (see {@link Planner#plan}).
 *
 * <p>Memory is counted in two units. A <em>stored state</em> is a state kept by a checkpoint (see
 * {@link CheckpointedChain#stateBytes}); a <em>recorded step</em> is one step's recorded operations
 * and the tensors they save. A checkpoint's state stops counting when its recomputation starts;
 * recorded steps stop counting when backward has passed them.
 */
public final class Plan {
    private final int steps;
    private final Schedule schedule;
    private final Layout layout;
    private final long evaluations;
    private final int peakStates;
    private final int peakRecordedSteps;

    Plan(int steps, Schedule schedule, Layout layout, long evaluations, int peakStates, int peakRecordedSteps) {
        this.steps = steps;
        this.schedule = schedule;
        this.layout = layout;
        this.evaluations = evaluations;
        this.peakStates = peakStates;
        this.peakRecordedSteps = peakRecordedSteps;
    }

    /** T, the number of steps. */
    public int steps() {
        return steps;
    }

    /** The schedule. */
    public Schedule schedule() {
        return schedule;
    }

    /**
     * What the schedule resolved to for T steps, e.g. {@code "binomial with 20 slots over blocks of 45"}
     * or {@code "segments of 32"}.
     */
    public String layout() {
        return layout.toString();
    }

    /**
     * Calls of the step function in forward and backward together: each step is evaluated once
     * recorded, plus {@link #extraForward()} times without recording. Equals T for
     * {@link Schedule#storeAll()}.
     */
    public long evaluations() {
        return evaluations;
    }

    /** {@code evaluations() − T}: the unrecorded evaluations (revolve's "advances"), the initial forward sweep included. */
    public long extraForward() {
        return evaluations - steps;
    }

    /** The most states kept by checkpoints at one time. */
    public int peakStates() {
        return peakStates;
    }

    /** The most steps whose recorded operations are held at one time. */
    public int peakRecordedSteps() {
        return peakRecordedSteps;
    }

    /**
     * The peak of {@code states · bytesPerState + recordedSteps · bytesPerStep} over the run: the
     * {@link io.chainrule.autodiff.Memory} peak the chain itself causes when every state keeps
     * {@code bytesPerState} and every recorded step saves {@code bytesPerStep}.
     */
    public long peakBytes(long bytesPerState, long bytesPerStep) {
        return Planner.walk(layout, steps, bytesPerState, bytesPerStep).peakBytes;
    }

    @Override
    public String toString() {
        return "Plan(" + schedule + ", T=" + steps + " as " + layout + ": " + evaluations + " evaluations (" + extraForward()
                + " extra), peak " + peakStates + " states + " + peakRecordedSteps + " recorded steps)";
    }
}
