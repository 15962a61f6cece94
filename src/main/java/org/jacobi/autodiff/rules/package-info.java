/**
 * The forward and reverse rules of the ONNX operators, grouped by kind (elementwise, linear algebra, convolution,
 * pooling, normalisation, shape, selection, resize...), registered in {@link org.jacobi.autodiff.RuleRegistry}. Each
 * rule emits only operators that have rules themselves, so differentiated graphs can be differentiated again.
 */
package org.jacobi.autodiff.rules;
