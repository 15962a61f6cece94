package org.jacobi.optim;

import java.util.List;
import java.util.Locale;

/**
 * What an optimizer found and why it stopped.
 *
 * @param x the best point found (inside the box, fixed elements unchanged)
 * @param output f(x)
 * @param records one row per iteration, starting with iteration 0 (the starting point)
 * @param initialCost the cost at the (projected) starting point
 * @param finalCost the cost at x
 * @param initialTargetCost the target part {@code 0.5||r||^2} of the initial cost
 * @param finalTargetCost the target part of the final cost
 * @param functionEvaluations forward passes
 * @param derivativeEvaluations Jacobians (Gauss-Newton) or vector-Jacobian products (L-BFGS)
 * @param derivativeSource how the derivatives were made, e.g. "finite differences (approximate)"
 */
public record OptimizationResult(OptimizationMethod method, double[] x, double[] output, StopReason stopReason,
                                 List<IterationRecord> records, double initialCost, double finalCost,
                                 double initialTargetCost, double finalTargetCost, int functionEvaluations,
                                 int derivativeEvaluations, String derivativeSource) {
    /** A target counts as reached when its residual is zero or its cost fell a million-fold (a thousandfold in norm). */
    public static final double TARGET_REACHED_RATIO = 1e-6;
    /** How far {@code |gradient| / sqrt(cost)} must fall below its start for the gradient test of {@link #stationary()}. */
    public static final double STATIONARY_RATIO = 1e-4;

    public OptimizationResult {
        records = List.copyOf(records);
    }

    /** Iterations done, not counting iteration 0. */
    public int iterations() {
        return records.isEmpty() ? 0 : records.get(records.size() - 1).iteration();
    }

    /** How many times lower the final cost is than the initial one (infinite when it reached exactly 0). */
    public double costReduction() {
        return finalCost == 0 ? (initialCost == 0 ? 1 : Double.POSITIVE_INFINITY) : initialCost / finalCost;
    }

    public boolean targetReached() {
        return finalTargetCost == 0 || finalTargetCost <= TARGET_REACHED_RATIO * initialTargetCost;
    }

    /**
     * The gradient test: the residual left is one the input cannot reduce, because the (projected) gradient
     * vanished, or fell far below what a residual of this size gave at the start: {@code |g| / sqrt(cost)} at most
     * {@link #STATIONARY_RATIO} of its initial value. Near a reachable target that ratio stays of the order of the
     * Jacobian's smallest singular value; at a minimum with a residual left it goes to zero.
     */
    public boolean stationary() {
        if (stopReason == StopReason.GRADIENT_TOLERANCE) {
            return true;
        }
        if (records.isEmpty() || !(finalCost > 0) || !(initialCost > 0)) {
            return false;
        }
        double g0 = records.get(0).gradientNorm();
        double g = records.get(records.size() - 1).gradientNorm();
        return g == 0 || g / Math.sqrt(finalCost) <= STATIONARY_RATIO * g0 / Math.sqrt(initialCost);
    }

    /** One or two sentences for the CLI and the panel's status line. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %d iterations, cost %.4g -> %.4g; stopped because %s.",
            method.label(), iterations(), initialCost, finalCost, stopReason.description()));
        if (!targetReached() && stopReason != StopReason.CANCELLED && stopReason != StopReason.ITERATION_LIMIT
            && stopReason != StopReason.EVALUATION_LIMIT && stopReason != StopReason.NON_FINITE) {
            double residual = Math.sqrt(2 * finalTargetCost);
            if (stationary()) {
                sb.append(String.format(Locale.ROOT, " The target is not reached: the residual norm is still %.4g;"
                    + " no input near this one (within any bounds and mask set) gives that output; try another start or a reachable target.",
                    residual));
            } else {
                sb.append(String.format(Locale.ROOT, " The target is not reached yet: the residual norm is still %.4g and the gradient"
                    + " shows no minimum here, so the target may well be reachable; try Gauss-Newton, more iterations or a smaller tolerance.",
                    residual));
            }
        }
        return sb.toString();
    }
}
