package org.jacobi.optim;

import org.jacobi.core.ProgressMonitor;

/**
 * A vector function {@code f: R^n -> R^m} with derivatives, as the optimizers see it: the model's output as a
 * function of the one input sample being optimized ({@link ModelFunction}), or a pure-Java function in tests.
 * Implementations check {@code monitor} and may throw {@link org.jacobi.core.CancelledException}.
 */
public interface DifferentiableFunction {
    /** n: the number of input elements. */
    int inputSize();

    /** m: the number of output elements. */
    int outputSize();

    /** f(x). */
    double[] value(double[] x, ProgressMonitor monitor);

    /** f(x) and the full m x n Jacobian; the Gauss-Newton method needs it. */
    Linearization linearize(double[] x, ProgressMonitor monitor);

    /**
     * {@code J(x)^T v}, the gradient of {@code v . f(x)}; L-BFGS needs only this, one reverse pass, never the
     * whole Jacobian.
     */
    double[] vectorJacobianProduct(double[] x, double[] v, ProgressMonitor monitor);

    /** How the derivatives are made, for the user, e.g. "ONNX autodiff (exact)". */
    default String derivativeSource() {
        return "exact";
    }

    /** False when the derivatives are approximate (finite differences), which limits the attainable precision. */
    default boolean exactDerivatives() {
        return true;
    }

    /**
     * The value and Jacobian at one point.
     *
     * @param value f(x), length m
     * @param jacobian row-major m x n: {@code jacobian[i * n + j] = d f_i / d x_j}
     */
    record Linearization(double[] value, double[] jacobian) {
    }
}
