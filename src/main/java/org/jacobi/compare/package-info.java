/**
 * Comparing two models on the same inputs (no JavaFX; the app and {@code jacobi compare} share it).
 *
 * <p>Use: bind the inputs to model A ({@link org.jacobi.model.InputBinder}), then
 * {@code ModelComparison.compare(a, b, ComparisonRequest.of(inputs), monitor)} (or the overload taking
 * engines the caller keeps). The {@link org.jacobi.compare.ComparisonResult} holds both outputs and their
 * differences ({@link org.jacobi.compare.OutputDifference}), both Jacobians and A − B, one shared colour
 * scale ({@code sharedScale}), both input rankings with rank changes ({@link org.jacobi.compare.RankChange}),
 * singular values of either model per sample, and the three summary numbers
 * {@code maxAbsOutputDifference()}, {@code maxAbsJacobianDifference()} and {@code maxRelJacobianDifference()}
 * (relative to max |J_A|). When names or shapes do not fit, a
 * {@link org.jacobi.compare.ModelMismatchException} lists both sides and carries a suggested
 * {@link org.jacobi.compare.NameMapping} for the user to confirm; pass it back with
 * {@code request.withMapping(...)}.
 */
package org.jacobi.compare;
