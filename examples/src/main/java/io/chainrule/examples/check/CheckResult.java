package io.chainrule.examples.check;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of checking one cell under one strategy.
 *
 * @param maxRelError GradCheck's largest relative error (the round-off allowance discounted: 0 when
 *                    every disagreement is within what rounding explains)
 * @param passed      whether {@code maxRelError} is within the tolerance
 * @param rawError    the largest |analytic − numeric| over the gradient scale G, nothing discounted
 */
public record CheckResult(String cell, String strategy, int steps, double maxRelError, boolean passed, double rawError) {

    /** The object {@code gradcheck --json} prints for this case. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cell", cell);
        m.put("strategy", strategy);
        m.put("steps", steps);
        m.put("maxRelError", maxRelError);
        m.put("passed", passed);
        return m;
    }
}
