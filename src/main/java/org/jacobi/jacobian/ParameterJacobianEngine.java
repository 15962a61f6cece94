package org.jacobi.jacobian;

import java.util.List;
import java.util.Map;
import org.jacobi.core.ProgressMonitor;

/**
 * Per-sample Jacobians with respect to a model's parameters (weights): {@code [batch, *output_shape,
 * *parameter_shape]}, one block per sample, never summed over the batch.
 */
public interface ParameterJacobianEngine extends AutoCloseable {
    /** The differentiable parameters (float initializers, module parameters) with their shapes, in model order. */
    Map<String, long[]> parameters();

    /** The Jacobian of {@code request.of()} with respect to the parameter {@code request.wrt()}, per sample. */
    JacobianResult compute(JacobianRequest request, ProgressMonitor monitor);

    /**
     * Per sample and per parameter, the Frobenius norm of the Jacobian of {@code request.of()} with respect to that
     * parameter, without keeping the blocks ({@code request.wrt()} is ignored).
     */
    ParameterNorms norms(JacobianRequest request, List<String> parameters, ProgressMonitor monitor);

    @Override
    void close();
}
