package io.chainrule.autodiff;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public accessors a custom op (and its user) reads: {@link Op#isRecorded()} and
 * {@link Op#creationSite()}, on an op written against the public contract.
 */
class OpAccessorsTest {

    /** y = 2x, a custom op that keeps itself so the test can ask it. */
    static final class Twice extends Op {
        Twice(Var x) {
            super("twice", x);
        }

        Var run(Var x) {
            return output(x.value().mul(2.0));
        }

        @Override
        protected void backward(Gradients grads) {
            grads.set(0, grads.output().mul(2.0));
        }
    }

    @Test
    void anOpOnAValueThatNeedsAGradientIsRecorded() {
        Var x = Var.param(Tensor.vector(1, -2));
        Twice op = new Twice(x);
        Var y = op.run(x);
        assertTrue(op.isRecorded());
        assertSame(op, y.creator());
        assertNull(op.creationSite(), "outside anomaly mode no creation site is kept");
        y.sum().backward();
        assertEquals(2.0, x.grad().getFlat(0), 0.0);
        assertEquals(2.0, x.grad().getFlat(1), 0.0);
    }

    @Test
    void anOpOnConstantsOrUnderNoGradIsNotRecorded() {
        Var c = Var.constant(Tensor.vector(1, -2));
        Twice onConstant = new Twice(c);
        Var y = onConstant.run(c);
        assertFalse(onConstant.isRecorded());
        assertNull(y.creator());
        assertFalse(y.requiresGrad());
        assertEquals(-4.0, y.value().getFlat(1), 0.0);

        Var x = Var.param(Tensor.vector(1, -2));
        Twice underNoGrad;
        try (NoGrad scope = NoGrad.enter()) {
            underNoGrad = new Twice(x);
            assertFalse(underNoGrad.run(x).requiresGrad());
        }
        assertFalse(underNoGrad.isRecorded());
        try (Anomaly.Scope scope = Anomaly.enable()) {
            Twice onConstantInAnomalyMode = new Twice(c);
            onConstantInAnomalyMode.run(c);
            assertNull(onConstantInAnomalyMode.creationSite(), "an op not recorded keeps no creation site");
        }
    }

    @Test
    void inAnomalyModeARecordedOpKnowsWhereItWasCreated() {
        Var x = Var.param(Tensor.vector(1, -2));
        Twice op;
        try (Anomaly.Scope scope = Anomaly.enable()) {
            op = new Twice(x);
            op.run(x);
        }
        Throwable site = op.creationSite();
        assertNotNull(site);
        assertTrue(site.getMessage().contains("'twice'"), site.getMessage());
        assertTrue(Arrays.stream(site.getStackTrace()).anyMatch(f -> f.getClassName().equals(OpAccessorsTest.class.getName())
                && f.getMethodName().equals("inAnomalyModeARecordedOpKnowsWhereItWasCreated")),
                "the creation site names the test method that made the op");
    }

    /** An op whose outputs should be consecutive parts of one tensor (as a split makes). */
    static final class Parts extends Op {
        Parts(Var x) {
            super("parts", x);
        }

        Var[] run(Tensor whole, Tensor... parts) {
            return outputParts(whole, parts);
        }

        @Override
        protected void backward(Gradients grads) {
            grads.set(0, grads.joinedOutputs());
        }
    }

    @Test
    void partsThatDoNotCoverTheWholeAreAnErrorCountingTheElements() {
        // the whole is itself a view 2 elements into its array
        Tensor whole = Tensor.vector(0, 1, 2, 3, 4, 5).partition(2, 4)[1];
        Tensor first = whole.partition(1, 3)[0];
        Var x = Var.param(Tensor.zeros(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Parts(x).run(whole, first));
        assertEquals("'parts': the outputs cover 1 of the 4 elements of the whole of shape [4]", e.getMessage());
    }

    /** (2x, 3x), saving its second output for backward. */
    static final class Pair extends Op {
        Pair(Var x) {
            super("pair", x);
        }

        Var[] run(Var x) {
            Tensor second = x.value().mul(3.0);
            save(second);
            return outputs(x.value().mul(2.0), second);
        }

        @Override
        protected void backward(Gradients grads) {
            saved(0);
            grads.set(0, grads.output(0).mul(2.0).add(grads.output(1).mul(3.0)));
        }
    }

    @Test
    void aSavedOutputOfAMultiOutputOpChangedInPlaceIsNamedAsThatOutput() {
        Var x = Var.param(Tensor.vector(0.5, -1.0), "x");
        Var[] y = new Pair(x).run(x);
        Var loss = y[0].sum().add(y[1].sum());
        y[1].value().fillInPlace(0.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("its output 1 of 'pair' (shape [2])"), e.getMessage());
    }
}
