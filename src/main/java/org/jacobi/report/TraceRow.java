package org.jacobi.report;

/**
 * One iteration of an input optimization, as the report shows it. The optimizer package hands these over;
 * the report needs nothing else from it.
 *
 * @param method e.g. "Levenberg-Marquardt" or "L-BFGS"
 * @param iteration 0 for the starting point
 * @param cost the objective value after this iteration
 * @param gradNorm norm of the gradient, NaN when unknown
 * @param stepNorm norm of the step taken, NaN when unknown
 * @param accepted whether the step was accepted
 * @param timeMs wall time since the start, in milliseconds
 */
public record TraceRow(String method, int iteration, double cost, double gradNorm, double stepNorm, boolean accepted,
                       double timeMs) {
}
