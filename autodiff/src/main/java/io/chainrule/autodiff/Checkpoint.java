package io.chainrule.autodiff;

import io.chainrule.core.DType;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.function.UnaryOperator;

/**
 * Checkpointing: recompute a segment in backward instead of storing its activations.
 *
 * <pre>{@code
 * Var[] out = Checkpoint.apply(in -> new Var[] {cell.step(in[0], x)}, h);
 * Var y = Checkpoint.single(v -> v.tanh().tanh(), x);
 * }</pre>
 *
 * <p><b>Forward</b> runs the segment under {@link NoGrad}: nothing inside it is recorded or
 * saved; the checkpoint node keeps only its inputs (counted in {@link Memory}) and the position of
 * the thread's {@link Rng}.
 *
 * <p><b>Backward</b> re-runs the segment on the same inputs with recording on and the random
 * stream rewound, checks that every recomputed output is bitwise equal to the forward value, and
 * hands the output gradients to the recomputed graph. The recomputed nodes are newer than anything
 * else, so the engine differentiates them next and in their original relative order; gradients
 * therefore reach parameters and inputs in the same order, through the same kernels, as without
 * checkpointing, and are <em>bitwise identical</em> to them. Unless the graph is retained, the
 * kept inputs are freed when the recomputation starts, so at most one copy of them is counted while
 * the segment is recomputed. Parameters and other values the
 * segment captures (rather than takes as inputs) receive their gradients as usual. Checkpoints
 * nest: an inner checkpoint is transparent during the outer forward and becomes a checkpoint node
 * when the outer segment is recomputed.
 *
 * <p>While grad mode is on, the outputs of a checkpoint require gradients (whether the segment
 * actually depends on a parameter is only known when it is recomputed), except an output the
 * segment did not compute (an input or a captured value returned unchanged), which is returned as is. The segment must be a
 * deterministic function of its inputs, captured values and the thread's {@link Rng}.
 */
public final class Checkpoint extends Op {

    /** A function from input values to output values, recomputable. */
    @FunctionalInterface
    public interface Segment {
        Var[] apply(Var[] inputs);
    }

    private final Segment segment;
    private Var[] inputs;
    private final Rng.State rngState;
    /** A fingerprint of each forward output, to verify the recomputation without keeping the values. */
    private final long[] fingerprints;
    private final int[][] outputShapes;

    private Checkpoint(Segment segment, Var[] inputs, Rng.State rngState, Tensor[] forwardValues) {
        super("checkpoint", inputs, true);
        this.segment = segment;
        this.inputs = inputs.clone();
        this.rngState = rngState;
        this.fingerprints = new long[forwardValues.length];
        this.outputShapes = new int[forwardValues.length][];
        for (int i = 0; i < forwardValues.length; i++) {
            fingerprints[i] = fingerprint(forwardValues[i]);
            outputShapes[i] = forwardValues[i].shape();
        }
        for (Var v : inputs) {
            save(v.value()); // a kept state counts even when it is a parameter (the planner counts states)
        }
    }

    /** Runs {@code segment} on {@code inputs} as a checkpointed segment; returns its outputs. */
    public static Var[] apply(Segment segment, Var... inputs) {
        if (segment == null) {
            throw new IllegalArgumentException("checkpoint segment must not be null");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException("checkpoint input " + i + " is null");
            }
        }
        if (!GradMode.isEnabled()) {
            return checked(segment.apply(inputs.clone()), "forward");
        }
        Rng.State state = Rng.current().snapshot();
        Var[] out;
        try (NoGrad scope = NoGrad.enter()) {
            out = checked(segment.apply(inputs.clone()), "forward");
        }
        // NOTE [ Passthrough outputs ]: an output the segment did not compute (one of its inputs,
        // or a captured value, returned unchanged) is handed back as is, exactly as without
        // checkpoint. Routed through the checkpoint node instead, its consumers' gradients would
        // reach it only when the checkpoint runs, after those of other consumers created between
        // the checkpoint and them, and its gradient would be summed in another order (different
        // bits). Under NoGrad nothing the segment computes requires a gradient, so an output that
        // does was there before.
        boolean[] passthrough = new boolean[out.length];
        boolean anyComputed = false;
        for (int i = 0; i < out.length; i++) {
            passthrough[i] = out[i].requiresGrad();
            for (Var in : inputs) {
                passthrough[i] |= out[i] == in;
            }
            anyComputed |= !passthrough[i];
        }
        if (!anyComputed) {
            return out; // nothing to recompute, nothing to keep
        }
        Tensor[] values = new Tensor[out.length];
        for (int i = 0; i < out.length; i++) {
            values[i] = out[i].value();
        }
        Var[] result = new Checkpoint(segment, inputs, state, values).outputs(values);
        for (int i = 0; i < out.length; i++) {
            if (passthrough[i]) {
                result[i] = out[i];
            }
        }
        return result;
    }

    /** Single-input, single-output form. */
    public static Var single(UnaryOperator<Var> segment, Var input) {
        if (segment == null) {
            throw new IllegalArgumentException("checkpoint segment must not be null");
        }
        Segment s = in -> new Var[] {segment.apply(in[0])};
        return apply(s, input)[0];
    }

    private static Var[] checked(Var[] out, String phase) {
        if (out == null || out.length == 0) {
            throw new IllegalStateException("checkpoint segment returned no outputs in " + phase);
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                throw new IllegalStateException("checkpoint segment output " + i + " is null in " + phase);
            }
        }
        return out;
    }

    @Override
    protected void backward(Gradients grads) {
        PassGradients g = (PassGradients) grads;
        // inputs is null only once the node is freed, and the walk refuses a freed node (with the
        // freed-graph error) before its backward runs
        for (int i = 0; i < inputs.length; i++) {
            saved(i); // the kept inputs are still the values the forward saw (else an error naming the input)
        }
        Var[] in = inputs.clone();
        if (!g.keepsAfterRun()) {
            // NOTE [ Free the kept inputs before recomputing ]: the recomputation is the only use
            // of the kept inputs. Freeing them first keeps Memory honest while the segment is
            // recomputed: a nested checkpoint (or the segment's first op) saves the same input
            // tensors again, and without this they would be counted twice at the peak.
            g.releaseSaved();
        }
        Rng rng = Rng.current();
        Rng.State resume = rng.snapshot();
        rng.restore(rngState);
        Var[] out;
        try (NoGrad scope = NoGrad.enableGrad()) {
            out = checked(segment.apply(in), "recomputation");
        } finally {
            rng.restore(resume);
        }
        if (out.length != fingerprints.length) {
            throw new IllegalStateException("checkpoint segment returned " + out.length + " outputs on recomputation but "
                    + fingerprints.length + " in forward; the segment must be deterministic");
        }
        for (int i = 0; i < out.length; i++) {
            Tensor v = out[i].value();
            if (!v.hasShape(outputShapes[i]) || fingerprint(v) != fingerprints[i]) {
                throw new IllegalStateException("checkpoint segment output " + i + " (forward shape "
                        + Shape.format(outputShapes[i]) + ", recomputed shape " + Shape.format(v.shape())
                        + ") differs between forward and recomputation; the segment must be a deterministic "
                        + "function of its inputs, captured values and Rng.current()");
            }
        }
        for (int i = 0; i < out.length; i++) {
            Tensor grad = g.output(i);
            if (grad != null) {
                g.deliverTo(out[i], grad, g.owns(i));
            }
        }
    }

    @Override
    void released() {
        inputs = null;
    }

    /** A 64-bit fingerprint of the exact bits of a tensor (of either dtype: float32 values widen exactly). */
    private static long fingerprint(Tensor t) {
        long h = 0x9E3779B97F4A7C15L ^ t.size() ^ ((long) t.dtype().ordinal() << 40);
        if (t.dtype() == DType.FLOAT32) {
            float[] f = t.floatArray();
            int off = t.offset();
            for (int i = 0; i < t.size(); i++) {
                h = (h ^ Float.floatToRawIntBits(f[off + i])) * 0x100000001B3L;
                h ^= h >>> 29;
            }
            return h;
        }
        double[] d = t.array();
        int off = t.offset();
        for (int i = 0; i < t.size(); i++) {
            h = (h ^ Double.doubleToRawLongBits(d[off + i])) * 0x100000001B3L;
            h ^= h >>> 29;
        }
        return h;
    }
}
