package org.jacobi.optim;

/** Why an optimizer stopped, in words a user understands. */
public enum StopReason {
    GRADIENT_TOLERANCE("the gradient fell below its tolerance"),
    COST_TOLERANCE("the cost stopped changing (its relative change fell below the cost tolerance)"),
    STEP_TOLERANCE("the step became negligible (step tolerance)"),
    ITERATION_LIMIT("the iteration limit was reached"),
    EVALUATION_LIMIT("the function evaluation limit was reached"),
    NO_PROGRESS("no step lowered the cost any more (damping or line search gave up)"),
    CANCELLED("cancelled"),
    NON_FINITE("the model produced NaN or infinite values");

    private final String description;

    StopReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** True for the tolerances: the method converged to a point where it cannot improve. */
    public boolean converged() {
        return this == GRADIENT_TOLERANCE || this == COST_TOLERANCE || this == STEP_TOLERANCE;
    }
}
