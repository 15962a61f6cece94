/**
 * Jacobi's automatic differentiation of ONNX graphs: a graph-to-graph transform
 * ({@link org.jacobi.autodiff.Differentiator}) that builds, from a model's graph, a new graph computing its forward
 * tangents or reverse cotangents along a leading direction axis, from one {@link org.jacobi.autodiff.Rule} per operator
 * ({@link org.jacobi.autodiff.RuleRegistry}). It runs nothing: the shapes it needs come from a
 * {@link org.jacobi.autodiff.ValueShapes.Probe} it is given, and it imports no ONNX Runtime (the runtime side is
 * {@code org.jacobi.jacobian.lowering}). See docs/autodiff.md.
 */
package org.jacobi.autodiff;
