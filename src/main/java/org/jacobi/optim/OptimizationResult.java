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

    /** One or two sentences for the CLI and the panel's status line. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %d iterations, cost %.4g -> %.4g; stopped because %s.",
            method.label(), iterations(), initialCost, finalCost, stopReason.description()));
        if (!targetReached() && stopReason != StopReason.CANCELLED && stopReason != StopReason.ITERATION_LIMIT
            && stopReason != StopReason.EVALUATION_LIMIT && stopReason != StopReason.NON_FINITE) {
            sb.append(String.format(Locale.ROOT, " The target is not reached: the residual norm is still %.4g;"
                + " no input near this one (within any bounds and mask set) gives that output; try another start or a reachable target.",
                Math.sqrt(2 * finalTargetCost)));
        }
        return sb.toString();
    }
}
