package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code detach}: the same value, no gradient path. Nothing upstream of a detached value receives
 * gradient through it, and backward does not even visit the nodes there.
 */
class DetachProperties {

    /** Identity op that counts how often backward runs it. */
    static final class Spy extends Op {
        int visits;

        private Spy(Var x) {
            super("spy", x);
        }

        static Spy over(Var x, Var[] out) {
            Spy s = new Spy(x);
            out[0] = s.output(x.value());
            return s;
        }

        @Override
        protected void backward(Gradients grads) {
            Tensor g = grads.output();
            visits++;
            grads.set(0, g);
        }
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return TestTensors.shapes(0, 3);
    }

    /**
     * A random chain upstream of the detach (through a spy op, with a hook on its output) and a
     * random chain downstream that also uses a second leaf: the upstream leaf's gradient stays
     * null, the spy and the hook never run, and the downstream leaf's gradient is bitwise the
     * gradient it gets when the detached value is a fresh constant.
     */
    @Property(tries = 100)
    void nothingUpstreamOfADetachIsVisitedOrReceivesGradient(@ForAll("shapes") int[] shape,
                                                              @ForAll @IntRange(min = 1, max = 4) int length,
                                                              @ForAll long seed) {
        Random random = new Random(seed);
        int[] up = randomOps(random, length);
        int[] down = randomOps(random, length);
        Tensor upValue = TestTensors.uniform(random.nextLong(), -1.5, 1.5, shape);
        Tensor downValue = TestTensors.uniform(random.nextLong(), -1.5, 1.5, shape);

        Var upstream = Var.param(upValue.copy(), "upstream");
        Var downstream = Var.param(downValue.copy(), "downstream");
        Var[] spied = new Var[1];
        Spy spy = Spy.over(chain(upstream, up), spied);
        boolean[] hooked = new boolean[1];
        Var beforeDetach = chain(spied[0], up).onGradient(g -> hooked[0] = true);
        Var cut = Ops.detach(beforeDetach);
        assertTrue(cut.value().bitwiseEquals(beforeDetach.value()));
        assertFalse(cut.requiresGrad());
        Ops.sum(chain(Ops.mul(cut, downstream), down)).backward();

        assertNull(upstream.grad());
        assertEquals(0, spy.visits);
        assertFalse(hooked[0]);

        Var reference = Var.param(downValue.copy());
        Ops.sum(chain(Ops.mul(Var.constant(beforeDetach.value()), reference), down)).backward();
        assertTrue(downstream.grad().bitwiseEquals(reference.grad()));
    }

    /** A leaf used both upstream of a detach and downstream gets only the downstream gradient. */
    @Property(tries = 100)
    void aLeafUsedOnBothSidesGetsOnlyTheDownstreamGradient(@ForAll("shapes") int[] shape,
                                                           @ForAll @IntRange(min = 1, max = 4) int length,
                                                           @ForAll long seed) {
        Random random = new Random(seed);
        int[] up = randomOps(random, length);
        int[] down = randomOps(random, length);
        Tensor value = TestTensors.uniform(random.nextLong(), -1.5, 1.5, shape);

        Var w = Var.param(value.copy(), "w");
        Var held = Ops.detach(chain(w, up));
        Ops.sum(chain(Ops.mul(held, w), down)).backward();

        Var reference = Var.param(value.copy());
        Ops.sum(chain(Ops.mul(Var.constant(held.value()), reference), down)).backward();
        assertTrue(w.grad().bitwiseEquals(reference.grad()), () -> w.grad() + " vs " + reference.grad());
    }

    private static int[] randomOps(Random random, int length) {
        int[] ops = new int[length];
        for (int i = 0; i < length; i++) {
            ops[i] = random.nextInt(4);
        }
        return ops;
    }

    private static Var chain(Var v, int[] ops) {
        for (int op : ops) {
            switch (op) {
                case 0:
                    v = Ops.tanh(v);
                    break;
                case 1:
                    v = Ops.mul(v, Ops.sigmoid(v));
                    break;
                case 2:
                    v = Ops.add(Ops.scale(v, 0.7), Var.constant(0.1));
                    break;
                default:
                    v = Ops.exp(Ops.tanh(v));
            }
        }
        return v;
    }
}
