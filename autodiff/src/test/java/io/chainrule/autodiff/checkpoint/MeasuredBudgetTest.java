package io.chainrule.autodiff.checkpoint;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Schedule#budget(long)}: a byte budget whose state and step sizes are measured by the
 * caller. Resolved with {@link Schedule#measured}, it plans exactly as
 * {@code budget(bytes − overhead, bytesPerState, bytesPerStep)}; unresolved it cannot lay out a
 * chain; a budget that cannot hold one state and one step is refused. Other schedules need no
 * measurement and are returned as they are.
 */
class MeasuredBudgetTest {

    @Test
    void resolvedItPlansAsTheBudgetOfWhatIsLeftAfterTheOverhead() {
        for (long bytes : new long[] {500, 2_000, 50_000}) {
            for (long overhead : new long[] {0, 37, 120}) {
                Schedule s = Schedule.budget(bytes);
                assertTrue(s.needsMeasurement());
                assertEquals(bytes, s.budgetBytes());
                Schedule resolved = s.measured(10, 40, overhead);
                assertFalse(resolved.needsMeasurement());
                Schedule direct = Schedule.budget(bytes - overhead, 10, 40);
                for (int t : new int[] {1, 7, 60, 400}) {
                    Plan got = Planner.plan(t, resolved);
                    Plan want = Planner.plan(t, direct);
                    String what = bytes + " bytes, overhead " + overhead + ", T = " + t;
                    assertEquals(want.evaluations(), got.evaluations(), what);
                    assertEquals(want.peakBytes(10, 40), got.peakBytes(10, 40), what);
                    assertEquals(want.layout(), got.layout(), what);
                    assertEquals(t, got.steps());
                    assertSame(resolved, got.schedule());
                }
            }
        }
    }

    @Test
    void aNegativeOverheadCountsAsNone() {
        Schedule s = Schedule.budget(1_000);
        Plan negative = Planner.plan(300, s.measured(10, 40, -500));
        Plan none = Planner.plan(300, s.measured(10, 40, 0));
        assertEquals(none.evaluations(), negative.evaluations());
        assertEquals(none.layout(), negative.layout());
    }

    @Test
    void itMustHoldOneStateAndOneStepBesidesTheOverhead() {
        Schedule s = Schedule.budget(100);
        assertDoesNotThrow(() -> s.measured(10, 40, 50));           // exactly 10 + 40 left
        assertThrows(IllegalArgumentException.class, () -> s.measured(10, 41, 50));
        assertThrows(IllegalArgumentException.class, () -> s.measured(10, 40, 51));
        assertThrows(IllegalArgumentException.class, () -> Schedule.budget(0));
        assertDoesNotThrow(() -> Schedule.budget(1));
    }

    @Test
    void unresolvedItCannotLayOutAChain() {
        assertThrows(IllegalStateException.class, () -> Planner.plan(10, Schedule.budget(10_000)));
    }

    @Test
    void otherSchedulesNeedNoMeasurementAndStayAsTheyAre() {
        for (Schedule s : List.of(Schedule.storeAll(), Schedule.everyK(3), Schedule.sqrtT(), Schedule.optimal(2),
                Schedule.budget(1_000, 10), Schedule.budget(1_000, 10, 40))) {
            assertFalse(s.needsMeasurement(), s.toString());
            assertEquals(-1, s.budgetBytes(), s.toString());
            assertSame(s, s.measured(10, 40, 5), s.toString());
        }
    }
}
