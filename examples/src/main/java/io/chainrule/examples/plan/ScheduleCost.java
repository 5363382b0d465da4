package io.chainrule.examples.plan;

import io.chainrule.autodiff.checkpoint.Plan;
import io.chainrule.autodiff.checkpoint.Planner;
import io.chainrule.autodiff.checkpoint.Schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What differentiating T steps under a checkpoint schedule costs, from {@link Planner#plan}:
 * step evaluations (each step once recorded, plus the unrecorded re-advances), the extra forward
 * steps among them, and the most states stored at once.
 *
 * @param slots the stored states the schedule was given (0 for schedules not defined by slots)
 */
public record ScheduleCost(String schedule, int steps, int slots, long evaluations, long extraForward, int peakStates,
                           int peakRecordedSteps, String layout) {

    /** Griewank's binomial schedule (revolve) with {@code slots} stored states. */
    public static ScheduleCost binomial(int steps, int slots) {
        return of("optimal", steps, slots, Schedule.optimal(slots));
    }

    /** The binomial schedule with as many states of {@code stateBytes} as fit in {@code bytes}. */
    public static ScheduleCost budget(int steps, long bytes, long stateBytes) {
        long slots = bytes / stateBytes;
        return of("budget", steps, (int) Math.min(slots, Integer.MAX_VALUE), Schedule.budget(bytes, stateBytes));
    }

    /** Every step recorded (no checkpoint). */
    public static ScheduleCost storeAll(int steps) {
        return of("store all", steps, 0, Schedule.storeAll());
    }

    /** A checkpoint every ceil(sqrt(T)) steps. */
    public static ScheduleCost sqrt(int steps) {
        return of("sqrt(T) segments", steps, 0, Schedule.sqrtT());
    }

    private static ScheduleCost of(String name, int steps, int slots, Schedule schedule) {
        Plan p = Planner.plan(steps, schedule);
        return new ScheduleCost(name, steps, slots, p.evaluations(), p.extraForward(), p.peakStates(),
                p.peakRecordedSteps(), p.layout());
    }

    /** The object {@code plan --json} prints. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("slots", slots);
        m.put("evaluations", evaluations);
        m.put("extraForward", extraForward);
        m.put("peakStates", peakStates);
        return m;
    }
}
