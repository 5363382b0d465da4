package io.chainrule.autodiff.checkpoint;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A step that breaks the chain's contract is an error naming the step and what it returned. */
class ChainStepErrorTest {
    private static final Var[] STATE = {Var.param(Tensor.zeros(2))};

    private static String runError(Step step, int outputs) {
        return assertThrows(IllegalStateException.class,
                () -> CheckpointedChain.runEmitting(step, STATE, 3, Schedule.everyK(2), outputs)).getMessage();
    }

    @Test
    void aStepThatReturnsNullOrTheWrongCountIsNamed() {
        assertEquals("step 0 returned null for a state of 1 values", runError((s, t) -> null, 0));
        assertEquals("step 1 returned 1 values for a state of 1 values and 2 outputs",
                runError((s, t) -> t == 1 ? new Var[] {s[0]} : new Var[] {s[0], s[0], s[0]}, 2));
        assertEquals("step 0 returned 3 values for a state of 1 values",
                runError((s, t) -> new Var[] {s[0], s[0], s[0]}, 0));
    }

    @Test
    void aStepThatReturnsANullValueNamesIt() {
        assertEquals("step 2 returned null for state value 0",
                runError((s, t) -> t == 2 ? new Var[] {null, s[0]} : new Var[] {s[0], s[0]}, 1));
        assertEquals("step 1 returned null for output 0",
                runError((s, t) -> new Var[] {s[0], t == 1 ? null : s[0], s[0]}, 2));
        assertEquals("step 0 returned null for output 1",
                runError((s, t) -> new Var[] {s[0], s[0], null}, 2));
    }
}
