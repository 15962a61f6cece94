/**
 * Finding the input that gives a target output: Gauss-Newton with Levenberg-Marquardt damping and L-BFGS, each
 * an immutable optimizer over an {@code OptimizationProblem}, with a per-iteration listener, a {@code StopReason} and a
 * CSV trace. May use core, io, model and jacobian's engines (through {@code ModelFunction}); no JavaFX,
 * nothing of the UI or the command line.
 */
package org.jacobi.optim;
