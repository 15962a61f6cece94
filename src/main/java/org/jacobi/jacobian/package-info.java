/**
 * Per-sample derivatives of a loaded model, whatever its format: requests and results
 * ({@link org.jacobi.jacobian.JacobianRequest}, {@link org.jacobi.jacobian.ResolvedRequest} with the one rule for which
 * inputs carry the batch axis, {@link org.jacobi.jacobian.JacobianResult}, and their Hessian and parameter
 * counterparts), the engine interfaces ({@link org.jacobi.jacobian.JacobianEngine},
 * {@link org.jacobi.jacobian.HessianEngine}, {@link org.jacobi.jacobian.ParameterJacobianEngine}), the labelled
 * finite-difference fallback, and {@link org.jacobi.jacobian.ModelDerivatives}, the one holder of every engine of an
 * open model. The engines themselves live in {@code onnx} (graph autodiff on ONNX Runtime) and {@code torch}
 * (libtorch's autograd); {@code lowering} is the ONNX Runtime side of the ONNX pipeline.
 */
package org.jacobi.jacobian;
