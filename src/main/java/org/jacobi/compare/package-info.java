/**
 * Comparing two models on the same inputs (no JavaFX; the app and {@code jacobi compare} share it).
 *
 * <p>Use: bind the inputs to model A ({@link org.jacobi.model.InputBinder}), then
 * {@code ModelComparison.compare(a, b, ComparisonRequest.of(inputs), monitor)} (or the overload taking
 * engines the caller keeps). The {@link ComparisonResult} holds both outputs and their
 * differences ({@link OutputDifference}), both Jacobians and A − B, one shared colour
 * scale ({@code sharedScale}), both input rankings with rank changes ({@link RankChange}),
 * singular values of either model per sample, and the three summary numbers
 * {@code maxAbsOutputDifference()}, {@code maxAbsJacobianDifference()} and {@code maxRelJacobianDifference()}
 * (relative to max |J_A|). When names or shapes do not fit, a
 * {@link ModelMismatchException} lists both sides and carries a suggested
 * {@link NameMapping} for the user to confirm; pass it back with
 * {@code request.withMapping(...)}.
 */
package org.jacobi.compare;
