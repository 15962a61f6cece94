/**
 * The exact engines for ONNX models, one pipeline for every kind of derivative (see docs/autodiff.md, "The pipeline"):
 * {@link org.jacobi.jacobian.onnx.OnnxGraphPreparer} makes and caches every derivative graph of a model and its
 * session, {@code ChunkPlan} and {@code ChunkRunner} run it chunk by chunk within the memory
 * budget, and the engines are policies over them: input Jacobians in forward, reverse or mixed mode
 * ({@link org.jacobi.jacobian.onnx.OnnxJacobianEngine}), Hessians forward over reverse
 * ({@link org.jacobi.jacobian.onnx.OnnxHessianEngine}), Jacobians with respect to weights
 * ({@link org.jacobi.jacobian.onnx.OnnxParameterJacobianEngine}), and a graph built once to run elsewhere
 * ({@link org.jacobi.jacobian.onnx.PrebuiltJacobianGraph}, the Spark job's).
 */
package org.jacobi.jacobian.onnx;
