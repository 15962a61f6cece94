/**
 * What a model goes through before it is differentiated ({@link org.jacobi.autodiff.expand.GraphPasses}): functions
 * inlined, every node brought to one opset's form ({@link org.jacobi.autodiff.expand.OpsetNormalizer}), and
 * shape-dependent passes such as recurrent layers expanded into time steps
 * ({@link org.jacobi.autodiff.expand.RecurrentExpansion}).
 */
package org.jacobi.autodiff.expand;
