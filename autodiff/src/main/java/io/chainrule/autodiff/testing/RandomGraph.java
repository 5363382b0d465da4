package io.chainrule.autodiff.testing;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.GradMode;
import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.NoGrad;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Shape;
import io.chainrule.core.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A random differentiable program over a few leaves: a list of steps, each applying ops (primitive
 * or composite) to earlier values, so that leaves and intermediate values are reused and the graph
 * is a DAG. Generated from a seed by evaluating every candidate step on the leaves' values and
 * keeping only steps whose values stay finite, moderate ({@code |v| <= 30}) and away from kinks, so that
 * central differences are accurate for it.
 *
 * <p>Every program contains at least one {@link Ops#prod} and one {@link Ops#detach}. A detach
 * step remembers the value it detached when the program was built; evaluated under
 * {@link NoGrad} (the numeric side of {@link GradCheck}) it returns that value as a constant, so
 * finite differences see the same surrogate objective that backward differentiates (the detached
 * value held fixed), and evaluated with recording on it checks that the live value is still the
 * same bits.
 *
 * <p>The output is the concatenation of every value no later step consumes, flattened. Only the
 * public API is used ({@link Ops}, {@link Losses}), so a user can check a change to an op, or an
 * op of their own added here, the way chainrule checks its own:
 *
 * <pre>{@code
 * RandomGraph graph = RandomGraph.generate(seed, 3, 8);
 * List<Var> leaves = graph.parameters();
 * GradCheck.check(() -> graph.evaluate(leaves), leaves).assertClose(1e-6);
 * }</pre>
 *
 * {@link GraphArbitraries} generates them for jqwik.
 */
public final class RandomGraph {

    /** Kinds of product {@link Ops#prod} supports; each generated program draws some of them. */
    public enum ProdKind {
        SCALAR_ANY, ANY_SCALAR, VECTOR_VECTOR, MATRIX_VECTOR, VECTOR_MATRIX, MATRIX_MATRIX,
        BATCHED_MATRIX, BATCHED_BATCHED, BROADCAST_BATCHES, BATCHED_VECTOR, VECTOR_BATCHED
    }

    private static final double MAX_ABS = 30;

    /** One step: {@code op} applied to earlier values {@code inputs}. */
    private static final class Step {
        final String text;
        final int[] inputs;
        final Function<Var[], Var> op;

        Step(String text, int[] inputs, Function<Var[], Var> op) {
            this.text = text;
            this.inputs = inputs;
            this.op = op;
        }
    }

    /** {@code detach}, holding the detached value constant on the numeric side. */
    private static final class Detach implements Function<Var[], Var> {
        private Tensor held;

        @Override
        public Var apply(Var[] in) {
            if (!GradMode.isEnabled()) {
                return Var.constant(held);
            }
            Var d = Ops.detach(in[0]);
            if (held == null) {
                held = d.value();
            } else if (!held.bitwiseEquals(d.value())) {
                throw new IllegalStateException("the value before a detach changed between recorded calls");
            }
            return d;
        }
    }

    private final Tensor[] leafValues;
    private final List<Step> steps = new ArrayList<>();
    /** Build-time values of leaves and steps (constants). */
    private final List<Var> pool = new ArrayList<>();
    private final List<Integer> uses = new ArrayList<>();
    private final List<ProdKind> prodKinds = new ArrayList<>();
    private int detaches;
    private final Random random;

    private RandomGraph(Tensor[] leafValues, Random random) {
        this.leafValues = leafValues;
        this.random = random;
        for (Tensor t : leafValues) {
            pool.add(Var.constant(t));
            uses.add(0);
        }
    }

    /** A program over {@code leafCount} leaves (rank 0..3, dims 1..3) with about {@code stepCount} main steps. */
    public static RandomGraph generate(long seed, int leafCount, int stepCount) {
        Random random = new Random(seed);
        Tensor[] leaves = new Tensor[leafCount];
        for (int i = 0; i < leafCount; i++) {
            int[] shape = new int[random.nextInt(4)];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = 1 + random.nextInt(3);
            }
            leaves[i] = Tensor.uniform(random.nextLong(), -1.5, 1.5, shape);
        }
        RandomGraph g = new RandomGraph(leaves, random);
        int prodAt = random.nextInt(stepCount);
        int detachAt = random.nextInt(stepCount);
        for (int s = 0; s < stepCount; s++) {
            if (s == prodAt) {
                g.addProd(ProdKind.values()[random.nextInt(ProdKind.values().length)]);
            }
            if (s == detachAt) {
                g.addDetach();
            }
            g.addRandomStep();
        }
        // every leaf is used at least twice
        for (int i = 0; i < leafCount; i++) {
            while (g.uses.get(i) < 2) {
                g.addBinary(i);
            }
        }
        return g;
    }

    public int leafCount() {
        return leafValues.length;
    }

    /** Fresh parameters holding the leaves' values. */
    public List<Var> parameters() {
        List<Var> params = new ArrayList<>();
        for (int i = 0; i < leafValues.length; i++) {
            params.add(Var.param(leafValues[i].copy(), "leaf " + i));
        }
        return params;
    }

    public List<ProdKind> prodKinds() {
        return prodKinds;
    }

    public int detachCount() {
        return detaches;
    }

    /** Runs the program on {@code leaves}; returns the flattened concatenation of its sinks. */
    public Var evaluate(List<Var> leaves) {
        List<Var> values = new ArrayList<>(leaves);
        for (Step s : steps) {
            values.add(s.op.apply(gather(values, s.inputs)));
        }
        boolean[] consumed = new boolean[values.size()];
        for (Step s : steps) {
            for (int i : s.inputs) {
                consumed[i] = true;
            }
        }
        List<Var> sinks = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (!consumed[i]) {
                sinks.add(Ops.reshape(values.get(i), -1));
            }
        }
        return sinks.size() == 1 ? sinks.get(0) : Ops.concat(0, sinks.toArray(new Var[0]));
    }

    // ------------------------------------------------------------------ checkpointed evaluation

    /**
     * Where {@link #evaluateCheckpointed} runs steps inside checkpoints: disjoint ranges of steps,
     * each possibly holding one nested range. A range's segment takes some of the earlier values
     * it reads as inputs and captures the others; its outputs are the values it computes that a
     * later step or the output reads (often several later steps), and, when set, one captured value
     * and one input returned unchanged (which later steps then read through the checkpoint's
     * output).
     */
    static final class CheckpointPlan {
        final List<Range> ranges = new ArrayList<>();

        @Override
        public String toString() {
            return "checkpoints " + ranges;
        }
    }

    /** Steps {@code from .. to-1} in one checkpoint. */
    static final class Range {
        final int from;
        final int to;
        /** Earlier values (by index) the segment reads, and which of them it takes as inputs (the rest it captures). */
        final List<Integer> inputs = new ArrayList<>();
        final List<Integer> captured = new ArrayList<>();
        int returnsCaptured = -1;
        int returnsInput = -1;
        Range nested;

        Range(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public String toString() {
            return "steps [" + from + ", " + to + ") inputs " + inputs + " captured " + captured
                    + (returnsCaptured >= 0 ? " returning captured v" + returnsCaptured : "")
                    + (returnsInput >= 0 ? " returning input v" + returnsInput : "")
                    + (nested != null ? " nesting " + nested : "");
        }
    }

    /** A random plan: one or two ranges, a nested one sometimes, inputs and returned values drawn from {@code seed}. */
    CheckpointPlan checkpointPlan(long seed) {
        Random r = new Random(seed);
        CheckpointPlan plan = new CheckpointPlan();
        int n = steps.size();
        int count = 1 + r.nextInt(2);
        int start = 0;
        for (int c = 0; c < count && start < n; c++) {
            int from = start + r.nextInt(Math.max(1, (n - start) / 2));
            int to = from + 1 + r.nextInt(n - from);
            List<Integer> reused = new ArrayList<>();
            List<Integer> sharing = new ArrayList<>();
            for (int end = from + 1; end <= n; end++) {
                if (laterConsumers(leafValues.length + end - 1, end) >= 2) {
                    reused.add(end);
                }
                if (readWithAnEarlierValue(leafValues.length + end - 1, end, leafValues.length + from)) {
                    sharing.add(end);
                }
            }
            int pick = r.nextInt(4);
            if (!sharing.isEmpty() && pick < 2) {
                // end right after a value a later step reads together with a value computed before the
                // checkpoint: an add then hands both the same gradient tensor
                to = sharing.get(r.nextInt(sharing.size()));
            } else if (!reused.isEmpty() && pick < 3) {
                to = reused.get(r.nextInt(reused.size())); // end right after a value several later steps read
            }
            Range range = plannedRange(from, to, r);
            if (to - from >= 3 && r.nextInt(3) == 0) {
                int nf = from + 1 + r.nextInt(to - from - 2);
                range.nested = plannedRange(nf, nf + 1 + r.nextInt(to - nf - 1), r);
            }
            plan.ranges.add(range);
            start = to + 1;
        }
        return plan;
    }

    private Range plannedRange(int from, int to, Random r) {
        Range range = new Range(from, to);
        int first = leafValues.length + from;
        java.util.TreeSet<Integer> read = new java.util.TreeSet<>();
        for (int s = from; s < to; s++) {
            for (int i : steps.get(s).inputs) {
                if (i < first) {
                    read.add(i);
                }
            }
        }
        for (int i : read) {
            (r.nextBoolean() ? range.inputs : range.captured).add(i);
        }
        if (range.inputs.isEmpty()) {
            range.inputs.add(read.isEmpty() ? r.nextInt(leafValues.length) : read.first());
            range.captured.remove(range.inputs.get(0));
        }
        if (!range.captured.isEmpty() && r.nextBoolean()) {
            range.returnsCaptured = range.captured.get(r.nextInt(range.captured.size()));
        }
        if (r.nextInt(3) == 0) {
            range.returnsInput = range.inputs.get(r.nextInt(range.inputs.size()));
        }
        return range;
    }

    /** Whether some output of a planned segment is read by two or more later steps (or by a step and the output). */
    boolean hasOutputWithSeveralConsumers(CheckpointPlan plan) {
        for (Range range : plan.ranges) {
            for (int v : outputsOf(range)) {
                if (laterConsumers(v, range.to) >= 2) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a step from {@code from} on reads value {@code v} and a computed (not leaf) value before {@code before}. */
    private boolean readWithAnEarlierValue(int v, int from, int before) {
        for (int s = from; s < steps.size(); s++) {
            int[] in = steps.get(s).inputs;
            boolean readsV = false;
            boolean readsEarlier = false;
            for (int i : in) {
                readsV |= i == v;
                readsEarlier |= i >= leafValues.length && i < before;
            }
            if (readsV && readsEarlier) {
                return true;
            }
        }
        return false;
    }

    /** How many reads of value {@code v} steps {@code from ..} make, counting the output's if no step reads it. */
    private int laterConsumers(int v, int from) {
        int consumers = consumed(v) ? 0 : 1;
        for (int s = from; s < steps.size(); s++) {
            for (int i : steps.get(s).inputs) {
                consumers += i == v ? 1 : 0;
            }
        }
        return consumers;
    }

    /**
     * Runs the program on {@code leaves} like {@link #evaluate}, with the planned ranges of steps
     * inside {@link Checkpoint#apply}: the same values, and (the checkpoint's contract) bitwise
     * the same gradients.
     */
    Var evaluateCheckpointed(List<Var> leaves, CheckpointPlan plan) {
        List<Var> values = new ArrayList<>(leaves);
        for (int s = 0; s < steps.size(); s++) {
            values.add(null);
        }
        int s = 0;
        for (Range range : plan.ranges) {
            run(values, s, range.from);
            runCheckpointed(values, range);
            s = range.to;
        }
        run(values, s, steps.size());
        return output(values);
    }

    private void run(List<Var> values, int from, int to) {
        for (int s = from; s < to; s++) {
            values.set(leafValues.length + s, steps.get(s).op.apply(gather(values, steps.get(s).inputs)));
        }
    }

    private void runCheckpointed(List<Var> values, Range range) {
        List<Integer> outputs = outputsOf(range);
        if (range.returnsCaptured >= 0) {
            outputs.add(range.returnsCaptured);
        }
        if (range.returnsInput >= 0) {
            outputs.add(range.returnsInput);
        }
        Var[] in = new Var[range.inputs.size()];
        for (int k = 0; k < in.length; k++) {
            in[k] = values.get(range.inputs.get(k));
        }
        List<Var> before = new ArrayList<>(values); // captured: the values as they are now, not the outputs that replace them
        Checkpoint.Segment segment = args -> {
            List<Var> local = new ArrayList<>(before);
            for (int k = 0; k < args.length; k++) {
                local.set(range.inputs.get(k), args[k]);
            }
            if (range.nested == null) {
                run(local, range.from, range.to);
            } else {
                run(local, range.from, range.nested.from);
                runCheckpointed(local, range.nested);
                run(local, range.nested.to, range.to);
            }
            Var[] out = new Var[outputs.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = local.get(outputs.get(k));
            }
            return out;
        };
        Var[] out = Checkpoint.apply(segment, in);
        for (int k = 0; k < out.length; k++) {
            values.set(outputs.get(k), out[k]);
        }
    }

    /** The values computed in {@code range} that a later step or the output reads. */
    private List<Integer> outputsOf(Range range) {
        List<Integer> out = new ArrayList<>();
        for (int v = leafValues.length + range.from; v < leafValues.length + range.to; v++) {
            boolean later = !consumed(v);
            for (int s = range.to; s < steps.size() && !later; s++) {
                for (int i : steps.get(s).inputs) {
                    later |= i == v;
                }
            }
            if (later) {
                out.add(v);
            }
        }
        return out;
    }

    private boolean consumed(int v) {
        for (Step s : steps) {
            for (int i : s.inputs) {
                if (i == v) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The flattened concatenation of the values no step consumes. */
    private Var output(List<Var> values) {
        List<Var> sinks = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (!consumed(i)) {
                sinks.add(Ops.reshape(values.get(i), -1));
            }
        }
        return sinks.size() == 1 ? sinks.get(0) : Ops.concat(0, sinks.toArray(new Var[0]));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("program:");
        for (int i = 0; i < leafValues.length; i++) {
            sb.append("\n  v").append(i).append(" = leaf ").append(Shape.format(leafValues[i].shape()));
        }
        for (int i = 0; i < steps.size(); i++) {
            int v = leafValues.length + i;
            sb.append("\n  v").append(v).append(" = ").append(steps.get(i).text).append("  ")
                    .append(Shape.format(pool.get(v).shape()));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ building

    private static Var[] gather(List<Var> values, int[] idx) {
        Var[] in = new Var[idx.length];
        for (int j = 0; j < idx.length; j++) {
            in[j] = values.get(idx[j]);
        }
        return in;
    }

    /** Adds the step if its build-time value is finite and moderate; returns its index or -1. */
    private int tryAdd(String text, int[] inputs, Function<Var[], Var> op) {
        Var v = op.apply(gather(pool, inputs));
        Tensor t = v.value();
        if (!t.allFinite() || (t.size() > 0 && Math.max(-t.minValue(), t.maxValue()) > MAX_ABS)) {
            return -1;
        }
        steps.add(new Step(text, inputs, op));
        pool.add(v);
        uses.add(0);
        for (int i : inputs) {
            uses.set(i, uses.get(i) + 1);
        }
        return pool.size() - 1;
    }

    private String name(int i) {
        return "v" + i;
    }

    private int[] shape(int i) {
        return pool.get(i).shape();
    }

    /** A random earlier value, a leaf two times in five. */
    private int pick() {
        if (random.nextInt(5) < 2) {
            return random.nextInt(leafValues.length);
        }
        return random.nextInt(pool.size());
    }

    private int pickWithRank(int minRank) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int i = pick();
            if (shape(i).length >= minRank) {
                return i;
            }
        }
        return adapt(pick(), randomShape(minRank, 3));
    }

    private int[] randomShape(int minRank, int maxRank) {
        int[] s = new int[minRank + random.nextInt(maxRank - minRank + 1)];
        for (int d = 0; d < s.length; d++) {
            s[d] = 1 + random.nextInt(3);
        }
        return s;
    }

    /**
     * A value of shape {@code target} made from value {@code src}: flattened, repeated by concat
     * if too short, a random window sliced, reshaped. Returns {@code src} if it already fits.
     */
    private int adapt(int src, int[] target) {
        if (Arrays.equals(shape(src), target)) {
            return src;
        }
        int size = Shape.size(shape(src));
        int n = Shape.size(target);
        int reps = (n + size - 1) / size;
        int from = random.nextInt(reps * size - n + 1);
        int[] t = target.clone();
        int index = tryAdd("adapt(" + name(src) + " → " + Shape.format(t) + ", copies " + reps + ", from " + from + ")",
                new int[] {src}, in -> {
                    Var flat = Ops.reshape(in[0], -1);
                    if (reps > 1) {
                        Var[] copies = new Var[reps];
                        Arrays.fill(copies, flat);
                        flat = Ops.concat(0, copies);
                    }
                    return Ops.reshape(Ops.slice(flat, 0, from, from + n), t);
                });
        if (index < 0) {
            throw new IllegalStateException("adapting a moderate value cannot make it immoderate");
        }
        return index;
    }

    private void addDetach() {
        int src = pick();
        Detach d = new Detach();
        int index = tryAdd("detach(" + name(src) + ")", new int[] {src}, d);
        if (index >= 0) {
            detaches++;
        }
    }

    /** Adds a product of the given kind (operands adapted to fitting shapes); retries with tanh inputs if too large. */
    private void addProd(ProdKind kind) {
        int m = 1 + random.nextInt(3);
        int k = 1 + random.nextInt(3);
        int n = 1 + random.nextInt(3);
        int b = 2 + random.nextInt(2);
        int any = pick();
        int[] as;
        int[] bs;
        switch (kind) {
            case SCALAR_ANY:
                as = new int[0];
                bs = shape(any);
                break;
            case ANY_SCALAR:
                as = shape(any);
                bs = new int[0];
                break;
            case VECTOR_VECTOR:
                as = new int[] {k};
                bs = new int[] {k};
                break;
            case MATRIX_VECTOR:
                as = new int[] {m, k};
                bs = new int[] {k};
                break;
            case VECTOR_MATRIX:
                as = new int[] {k};
                bs = new int[] {k, n};
                break;
            case MATRIX_MATRIX:
                as = new int[] {m, k};
                bs = new int[] {k, n};
                break;
            case BATCHED_MATRIX:
                as = new int[] {b, m, k};
                bs = new int[] {k, n};
                break;
            case BATCHED_BATCHED:
                as = new int[] {b, m, k};
                bs = new int[] {b, k, n};
                break;
            case BROADCAST_BATCHES:
                as = new int[] {1, b, m, k};
                bs = new int[] {b, 1, k, n};
                break;
            case BATCHED_VECTOR:
                as = new int[] {b, m, k};
                bs = new int[] {k};
                break;
            default:
                as = new int[] {k};
                bs = new int[] {b, k, n};
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            int a = kind == ProdKind.ANY_SCALAR ? any : adapt(pick(), as);
            int c = kind == ProdKind.SCALAR_ANY ? any : adapt(pick(), bs);
            if (attempt > 0) {
                a = tryAdd("tanh(" + name(a) + ")", new int[] {a}, in -> Ops.tanh(in[0]));
                c = tryAdd("tanh(" + name(c) + ")", new int[] {c}, in -> Ops.tanh(in[0]));
            }
            if (tryAdd("prod(" + name(a) + ", " + name(c) + ")  [" + kind + "]", new int[] {a, c},
                    in -> Ops.prod(in[0], in[1])) >= 0) {
                prodKinds.add(kind);
                return;
            }
        }
        throw new IllegalStateException("a product of tanh values in [-1, 1] with at most 3 terms cannot exceed 30");
    }

    /**
     * A shape that broadcasts to {@code shape}: some leading axes dropped and some of the others
     * set to 1, chosen by {@code random}.
     */
    public static int[] broadcastOperand(int[] shape, Random random) {
        int drop = random.nextInt(shape.length + 1);
        int[] s = Arrays.copyOfRange(shape, drop, shape.length);
        for (int i = 0; i < s.length; i++) {
            if (random.nextInt(3) == 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    /** A binary elementwise op of value {@code a} with a broadcast-compatible partner. */
    private void addBinary(int a) {
        int[] target = broadcastOperand(shape(a), random);
        int c = adapt(pick(), random.nextBoolean() ? shape(a) : target);
        boolean swap = random.nextBoolean();
        int x = swap ? c : a;
        int y = swap ? a : c;
        int[] in = {x, y};
        String args = "(" + name(x) + ", " + name(y) + ")";
        for (int attempt = 0; attempt < 4; attempt++) {
            int index;
            switch (random.nextInt(4)) {
                case 0:
                    index = tryAdd("add" + args, in, v -> Ops.add(v[0], v[1]));
                    break;
                case 1:
                    index = tryAdd("sub" + args, in, v -> Ops.sub(v[0], v[1]));
                    break;
                case 2:
                    index = tryAdd("mul" + args, in, v -> Ops.mul(v[0], v[1]));
                    break;
                default:
                    index = tryAdd("div" + args.replace(")", ") by sigmoid(·) + 0.5"), in,
                            v -> Ops.div(v[0], Ops.add(Ops.sigmoid(v[1]), Var.constant(0.5))));
            }
            if (index >= 0) {
                return;
            }
        }
        tryAdd("sub(tanh, tanh)" + args, in, v -> Ops.sub(Ops.tanh(v[0]), Ops.tanh(v[1])));
    }

    private void addRandomStep() {
        for (int attempt = 0; attempt < 10; attempt++) {
            if (tryRandomStep()) {
                return;
            }
        }
        int x = pick();
        tryAdd("tanh(" + name(x) + ")", new int[] {x}, in -> Ops.tanh(in[0]));
    }

    private boolean tryRandomStep() {
        int choice = random.nextInt(16);
        if (choice < 4) {
            addBinary(pick());
            return true;
        }
        if (choice == 4) {
            addProd(ProdKind.values()[random.nextInt(ProdKind.values().length)]);
            return true;
        }
        if (choice == 5) {
            addDetach();
            return true;
        }
        int x = pick();
        int[] s = shape(x);
        int[] in = {x};
        String a = "(" + name(x) + ")";
        switch (choice) {
            case 6: {
                int kind = random.nextInt(4);
                switch (kind) {
                    case 0:
                        return tryAdd("tanh" + a, in, v -> Ops.tanh(v[0])) >= 0;
                    case 1:
                        return tryAdd("sigmoid" + a, in, v -> Ops.sigmoid(v[0])) >= 0;
                    case 2:
                        return tryAdd("neg" + a, in, v -> Ops.neg(v[0])) >= 0;
                    default:
                        double c = -2 + 4 * random.nextDouble();
                        return tryAdd("scale" + a + " by " + c, in, v -> Ops.scale(v[0], c)) >= 0;
                }
            }
            case 7:
                if (pool.get(x).value().size() > 0 && pool.get(x).value().maxValue() <= 3) {
                    return tryAdd("exp" + a, in, v -> Ops.exp(v[0])) >= 0;
                }
                return tryAdd("exp(tanh" + a + ")", in, v -> Ops.exp(Ops.tanh(v[0]))) >= 0;
            case 8:
                if (random.nextBoolean()) {
                    return tryAdd("log(x² + 1)" + a, in, v -> Ops.log(Ops.add(Ops.square(v[0]), Var.constant(1.0)))) >= 0;
                }
                return tryAdd("log(sigmoid" + a + ")", in, v -> Ops.log(Ops.sigmoid(v[0]))) >= 0;
            case 9: {
                double[] exponents = {-1.5, -1, 0.5, 2, 3};
                double p = exponents[random.nextInt(exponents.length)];
                if (p == 2 || p == 3) {
                    return tryAdd("pow" + a + " ^ " + p, in, v -> Ops.pow(v[0], p)) >= 0;
                }
                return tryAdd("pow(sigmoid" + a + " + 0.5) ^ " + p, in,
                        v -> Ops.pow(Ops.add(Ops.sigmoid(v[0]), Var.constant(0.5)), p)) >= 0;
            }
            case 10: {
                Tensor t = pool.get(x).value();
                if (t.size() == 0 || t.abs().minValue() < 0.05) {
                    return false; // relu only away from its kink
                }
                return tryAdd("relu" + a, in, v -> Ops.relu(v[0])) >= 0;
            }
            case 11: {
                if (s.length == 0 || random.nextInt(3) == 0) {
                    return random.nextBoolean() ? tryAdd("sum" + a, in, v -> Ops.sum(v[0])) >= 0
                            : tryAdd("mean" + a, in, v -> Ops.mean(v[0])) >= 0;
                }
                List<Integer> axes = new ArrayList<>();
                for (int d = 0; d < s.length; d++) {
                    if (random.nextBoolean()) {
                        axes.add(d);
                    }
                }
                int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
                boolean keep = random.nextBoolean();
                if (random.nextBoolean()) {
                    return tryAdd("sum" + a + " over " + axes + (keep ? " keeping" : ""), in,
                            v -> Ops.sum(v[0], ax, keep)) >= 0;
                }
                return tryAdd("mean" + a + " over " + axes + (keep ? " keeping" : ""), in,
                        v -> Ops.mean(v[0], ax, keep)) >= 0;
            }
            case 12: {
                if (s.length == 0) {
                    return false;
                }
                int axis = random.nextInt(s.length);
                switch (random.nextInt(3)) {
                    case 0:
                        return tryAdd("softmax" + a + " on axis " + axis, in, v -> Ops.softmax(v[0], axis)) >= 0;
                    case 1:
                        return tryAdd("logSoftmax" + a + " on axis " + axis, in, v -> Ops.logSoftmax(v[0], axis)) >= 0;
                    default:
                        return tryAdd("logSumExp" + a + " on axis " + axis, in, v -> Ops.logSumExp(v[0], axis)) >= 0;
                }
            }
            case 13: {
                if (s.length == 0) {
                    return false;
                }
                if (random.nextBoolean()) {
                    int axis = random.nextInt(s.length);
                    int from = random.nextInt(s[axis]);
                    int to = from + 1 + random.nextInt(s[axis] - from);
                    return tryAdd("slice" + a + " axis " + axis + " [" + from + ", " + to + ")", in,
                            v -> Ops.slice(v[0], axis, from, to)) >= 0;
                }
                int[] perm = permutation(s.length);
                return tryAdd("permute" + a + " " + Arrays.toString(perm), in, v -> Ops.permute(v[0], perm)) >= 0;
            }
            case 14: {
                if (s.length == 0) {
                    return false;
                }
                int axis = random.nextInt(s.length);
                int count = 1 + random.nextInt(2);
                int[] ins = new int[count + 1];
                ins[0] = x;
                for (int j = 1; j <= count; j++) {
                    int[] t = s.clone();
                    t[axis] = 1 + random.nextInt(3);
                    ins[j] = adapt(pick(), t);
                }
                StringBuilder names = new StringBuilder();
                for (int i : ins) {
                    names.append(names.length() == 0 ? "" : ", ").append(name(i));
                }
                return tryAdd("concat(" + names + ") on axis " + axis, ins, v -> Ops.concat(axis, v)) >= 0;
            }
            default: {
                if (random.nextBoolean() && s.length == 2) {
                    int[] targets = new int[s[0]];
                    for (int i = 0; i < targets.length; i++) {
                        targets[i] = random.nextInt(s[1]);
                    }
                    return tryAdd("crossEntropy" + a + " targets " + Arrays.toString(targets), in,
                            v -> Losses.crossEntropy(v[0], targets)) >= 0;
                }
                int y = adapt(pick(), s);
                return tryAdd("mse(" + name(x) + ", " + name(y) + ")", new int[] {x, y},
                        v -> Losses.mse(v[0], v[1])) >= 0;
            }
        }
    }

    private int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
