package io.chainrule.autodiff.op;

import io.chainrule.autodiff.Checkpoint;
import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.GradMode;
import io.chainrule.autodiff.Ops;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.TestTensors;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static io.chainrule.autodiff.TestTensors.TOLERANCE;
import static io.chainrule.autodiff.TestTensors.recorded;
import static io.chainrule.autodiff.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primitives that change gradient paths rather than values: {@code scaleGrad} (identity
 * forward, gradient times xi) and {@code checkpoint} (recomputation in backward).
 */
class GradientPathProperties {

    private static final GradCheck.Options RICHARDSON = GradCheck.options().withScheme(GradCheck.Scheme.RICHARDSON);

    @Provide
    Arbitrary<int[]> shapes() {
        return TestTensors.shapes(0, 3);
    }

    /** 0 (a cut), 1, the 1/π of randomized truncation, and arbitrary scales. */
    @Provide
    Arbitrary<Double> scales() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.just(1.0),
                Arbitraries.doubles().between(0.05, 1).map(pi -> 1 / pi),
                Arbitraries.doubles().between(-3, 3));
    }

    /**
     * The gradient through {@code scaleGrad(y, xi)} is xi times the gradient through y. Finite
     * differences see the surrogate that backward differentiates: {@code xi·y(x) + (1 - xi)·y0},
     * with y0 the value of y in the recorded call held constant (the same value; the same
     * gradient).
     */
    @Property(tries = 80)
    @Covers(ScaleGrad.class)
    void scaleGradScalesTheGradientByXi(@ForAll("shapes") int[] shape, @ForAll("scales") double xi,
                                        @ForAll long seed) {
        Tensor[] y0 = new Tensor[1];
        GradCheck.check(x -> {
            Var y = Ops.tanh(x[0]);
            Var z;
            if (GradMode.isEnabled()) {
                y0[0] = y.value();
                z = Ops.scaleGrad(y, xi);
                if (xi == 1.0) {
                    assertTrue(z == y, "scaleGrad(y, 1) must be y itself, adding no node");
                } else {
                    recorded(z, ScaleGrad.class);
                }
            } else {
                z = Ops.add(Ops.scale(y, xi), Var.constant(y0[0].mul(1 - xi)));
            }
            return Ops.mul(z, Ops.add(z, x[1]));
        }, uniform(seed, -2, 2, shape), uniform(seed + 1, -2, 2, shape)).assertClose(TOLERANCE);
    }

    /**
     * identity(y) is a node of its own whose gradient is exactly the gradient flowing through that
     * use of y: a hook on it sees that use's contribution, and gradients equal finite differences.
     */
    @Property(tries = 60)
    @Covers(Identity.class)
    void identityPassesTheGradientThroughAndSeesOneUse(@ForAll("shapes") int[] shape, @ForAll long seed) {
        Tensor[] seen = new Tensor[1];
        GradCheck.check(x -> {
            Var y = Ops.tanh(x[0]);
            Var alias = Ops.identity(y);
            if (GradMode.isEnabled()) {
                recorded(alias, Identity.class);
                assertTrue(alias.value() == y.value(), "identity keeps the value, no copy");
                alias.onGradient(g -> seen[0] = g.copy());
            }
            // y is used twice: through the alias (times x[1]) and directly
            return Ops.add(Ops.mul(alias, x[1]), Ops.square(y));
        }, uniform(seed, -2, 2, shape), uniform(seed + 1, -2, 2, shape)).assertClose(TOLERANCE);
        // the alias saw d/d alias of sum(alias * x1) = x1 (the seed of a non-scalar output projects it, so
        // check the direction only for scalar shapes): here just that it ran and had the value's shape
        assertTrue(seen[0] != null && seen[0].hasShape(shape));
    }

    /** xi = 0 cuts the path: upstream parameters get no gradient and the engine never visits upstream nodes. */
    @Property(tries = 20)
    @Covers(ScaleGrad.class)
    void aZeroGradientScaleCutsThePath(@ForAll("shapes") int[] shape, @ForAll long seed) {
        Var upstream = Var.param(uniform(seed, -2, 2, shape), "upstream");
        Var downstream = Var.param(uniform(seed + 1, -2, 2, shape), "downstream");
        Var y = Ops.exp(Ops.tanh(upstream));
        boolean[] visited = new boolean[1];
        y.onGradient(g -> visited[0] = true);
        Var z = recorded(Ops.scaleGrad(y, 0.0), ScaleGrad.class);
        Ops.sum(Ops.mul(z, downstream)).backward();
        assertNull(upstream.grad());
        assertFalse(visited[0], "a node upstream of scaleGrad(·, 0) was visited by backward");
        assertTrue(downstream.grad().bitwiseEquals(y.value()));
    }

    /**
     * The gradient through a checkpointed segment (a random chain of ops on its input and a
     * captured parameter, drawing from the thread's Rng, possibly nested and with two outputs)
     * equals finite differences, and is bitwise equal to the gradient without checkpointing.
     */
    @Property(tries = 60)
    @Covers(Checkpoint.class)
    void checkpointedGradientMatchesFiniteDifferencesAndStoredGradients(
            @ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 4) int width,
            @ForAll @IntRange(min = 1, max = 4) int length, @ForAll boolean nested, @ForAll boolean twoOutputs,
            @ForAll long seed) {
        Random random = new Random(seed);
        int[] ops = new int[length];
        for (int i = 0; i < length; i++) {
            ops[i] = random.nextInt(6);
        }
        Var h = Var.param(uniform(random.nextLong(), -1.5, 1.5, rows, width), "h");
        Var w = Var.param(uniform(random.nextLong(), -1, 1, width, width), "W");
        Checkpoint.Segment segment = in -> {
            Var v = chain(in[0], w, ops, nested);
            return twoOutputs ? new Var[] {v, Ops.sigmoid(in[0])} : new Var[] {v};
        };
        UnaryOperator<Var[]> withCheckpoint = in -> recordedAll(Checkpoint.apply(segment, in));
        // Richardson differences: with a small W the loss can be nearly flat (a power of W), where one
        // central difference is off by more than the tolerance (seed pinned below)
        GradCheck.check(RICHARDSON, () -> loss(withCheckpoint.apply(new Var[] {h})), List.of(h, w)).assertClose(TOLERANCE);

        Tensor[] stored = gradients(() -> loss(segment.apply(new Var[] {h})), h, w);
        Tensor[] recomputed = gradients(() -> loss(withCheckpoint.apply(new Var[] {h})), h, w);
        for (int i = 0; i < stored.length; i++) {
            Tensor a = stored[i];
            Tensor b = recomputed[i];
            assertTrue(a == null ? b == null : b != null && a.bitwiseEquals(b),
                    () -> "gradient " + a + " without checkpointing, " + b + " with");
        }
    }

    /**
     * Regression (jqwik seed 2071120689516410683, shrunk): one central difference of this flat loss
     * (tanh of a product with a small W, four times over) was off by 8.4e-6 relative, the engine's
     * gradient right; the Richardson scheme resolves it.
     */
    @Example
    @Covers(Checkpoint.class)
    void aNearlyFlatCheckpointedChainIsCheckedSharply() {
        checkpointedGradientMatchesFiniteDifferencesAndStoredGradients(1, 1, 4, true, false, -6337L);
    }

    @Example
    @Covers(Checkpoint.class)
    void aCheckpointedSegmentOfDataOnlyStillPassesGradientToCapturedParameters() {
        Var w = Var.param(Tensor.vector(0.3, -0.7), "w");
        Var data = Var.constant(Tensor.vector(1.5, 2.0));
        GradCheck.check(() -> Ops.sum(Checkpoint.single(x -> Ops.tanh(Ops.mul(x, w)), data)), List.of(w))
                .assertClose(TOLERANCE);
    }

    private static Var[] recordedAll(Var[] out) {
        for (Var v : out) {
            recorded(v, Checkpoint.class);
        }
        return out;
    }

    private static Var loss(Var[] out) {
        Var l = Ops.sum(Ops.mul(out[0], out[0]));
        return out.length > 1 ? Ops.add(l, Ops.sum(out[1])) : l;
    }

    /** A chain of shape-preserving ops on v (rows × width) with the captured square parameter w. */
    private static Var chain(Var v, Var w, int[] ops, boolean nested) {
        for (int i = 0; i < ops.length; i++) {
            switch (ops[i]) {
                case 0:
                    v = Ops.tanh(Ops.prod(v, w));
                    break;
                case 1:
                    v = Ops.mul(Ops.sigmoid(v), Ops.sum(w, 0, false));
                    break;
                case 2:
                    v = Ops.softmax(v, -1);
                    break;
                case 3: { // dropout: a random mask from the thread's stream, replayed by the checkpoint
                    int[] s = v.shape();
                    double[] mask = new double[v.value().size()];
                    for (int j = 0; j < mask.length; j++) {
                        mask[j] = Rng.current().nextDouble() < 0.3 ? 0.0 : 1 / 0.7;
                    }
                    v = Ops.mul(v, Var.constant(Tensor.wrap(mask, s)));
                    break;
                }
                case 4:
                    v = nested ? Checkpoint.single(u -> Ops.exp(Ops.tanh(u)), v) : Ops.exp(Ops.tanh(v));
                    break;
                default:
                    v = Ops.sub(v, Ops.pow(Ops.add(Ops.mul(v, v), Var.constant(1.0)), 0.5));
            }
        }
        return v;
    }

    private static Tensor[] gradients(java.util.function.Supplier<Var> loss, Var... params) {
        for (Var p : params) {
            p.zeroGrad();
        }
        Rng.current().setSeed(42);
        loss.get().backward();
        Tensor[] g = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            g[i] = params[i].grad();
            params[i].zeroGrad();
        }
        return g;
    }
}
