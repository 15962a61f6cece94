package org.jacobi.optim;

/**
 * One row of an optimizer's summary, as in Ceres' per-iteration log. Iteration 0 is the starting point.
 * Fields that do not apply to a method are NaN (gain ratio and damping for L-BFGS, step size for Gauss-Newton)
 * or 0 (line-search evaluations for Gauss-Newton).
 *
 * @param cost the cost at the current point (after this iteration; unchanged by a rejected step)
 * @param costChange the decrease of the cost in this iteration (positive when it went down; for a rejected
 *     step the decrease the trial point would have given)
 * @param gradientNorm the max norm of the projected gradient at the current point
 * @param stepNorm the Euclidean norm of the step taken or tried
 * @param gainRatio Gauss-Newton: actual over predicted decrease
 * @param lineSearchEvaluations L-BFGS: function evaluations of this iteration's line search
 * @param damping Gauss-Newton: the Levenberg-Marquardt damping mu used for this step
 * @param stepSize L-BFGS: the step length t along the search direction
 * @param accepted false for a rejected Gauss-Newton step
 * @param timeMillis time since the optimizer started
 */
public record IterationRecord(OptimizationMethod method, int iteration, double cost, double costChange,
                              double gradientNorm, double stepNorm, double gainRatio, int lineSearchEvaluations,
                              double damping, double stepSize, boolean accepted, double timeMillis) {
}
