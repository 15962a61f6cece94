/**
 * The derivative engines as the rest of Jacobi sees them: requests and results for Jacobians, Hessians and
 * parameter Jacobians, the engine interfaces, the choice of engine per model with the fallback to labelled finite
 * differences ({@code Jacobians}, {@code Hessians}), and {@code ModelDerivatives}, which holds every engine of one open
 * model. May use core, model and the engine packages jacobian.onnx and jacobian.torch; never the UI, JavaFX or the
 * command line.
 */
package org.jacobi.jacobian;
