package org.jacobi.optim;

import org.jacobi.core.ProgressMonitor;

/**
 * An optimizer of inputs. Implementations are immutable configurations ({@code with...} methods return changed
 * copies), so one instance may serve several runs and threads at once.
 */
public interface Optimizer {
    OptimizationMethod method();

    /**
     * Minimises the problem's cost. Never throws for numerical trouble or cancellation: the result's stop reason
     * says what happened and x is the best point found so far.
     */
    OptimizationResult optimize(OptimizationProblem problem, IterationListener listener, ProgressMonitor monitor);
}
