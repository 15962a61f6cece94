/**
 * Attribution methods: which input elements drive one output target. Each method is one small class with one
 * {@code attribute}, as in Captum's {@code captum/attr/_core}; the gradient methods share {@link PointBatches},
 * which stacks (sample, point) pairs into large reverse passes of the model's exact engine, and the metrics
 * ({@link Infidelity}, {@link SensitivityMax}, {@link DeletionInsertion}) take any {@link AttributionMethod}.
 */
package org.jacobi.attribution;
