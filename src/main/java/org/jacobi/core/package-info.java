/**
 * What every other package shares: {@code Tensor} and {@code ElementType} (element types with their ONNX
 * codes), the {@code JacobiException} family whose message a user reads, progress and cancellation
 * ({@code ProgressMonitor}, {@code CancellationToken}), device preference and build information.
 * Depends on the JDK alone: no other Jacobi package, no native library, no JavaFX.
 */
package org.jacobi.core;
