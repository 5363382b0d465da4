package io.chainrule.examples.check;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Var;
import io.chainrule.rnn.bptt.SurrogateObjective;

import java.util.function.Supplier;

/**
 * Checks a cell's BPTT gradients under a strategy against central finite differences
 * ({@link GradCheck}, float64). Truncated and randomized strategies are compared with the finite
 * differences of their surrogate objective ({@link SurrogateObjective}: the cut edges held at their
 * values), which is what their gradients are exact gradients of; against the true loss they would
 * fail wherever a cut matters.
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /**
     * @param trueObjective compare with finite differences of the true loss L instead of the
     *                      strategy's surrogate (a control: only strategies that cut nothing pass)
     */
    public static CheckResult run(CheckProblem problem, String cell, CheckedStrategy strategy, int steps,
                                  double tolerance, boolean trueObjective) {
        // a bidirectional network takes only strategies that cut nothing, whose surrogate is the loss itself
        Supplier<Var> loss = trueObjective || problem.bidirectional() ? () -> problem.loss(strategy.strategy())
                : SurrogateObjective.loss(problem.cell(), problem.inputs(), problem.initial(), problem.stepLoss(),
                strategy.strategy());
        GradCheck.Report report = GradCheck.check(loss, problem.parameters());
        return new CheckResult(cell, strategy.spec(), steps, report.maxRelativeError(), report.passed(tolerance),
                rawError(report));
    }

    /** max |analytic − numeric| / G over every checked value (entries, or directions for large inputs). */
    static double rawError(GradCheck.Report report) {
        double worst = 0;
        for (GradCheck.InputReport r : report.inputs()) {
            double d = r.numericGradient() != null ? r.analyticGradient().maxAbsDiff(r.numericGradient())
                    : Math.abs(r.analytic() - r.numeric());
            worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        }
        return report.gradientScale() > 0 ? worst / report.gradientScale() : worst;
    }
}
