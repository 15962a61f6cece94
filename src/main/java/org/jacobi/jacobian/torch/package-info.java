/**
 * Exact per-sample Jacobians, Hessians and parameter Jacobians of TorchScript models with libtorch's autograd
 * through DJL, every native call on the thread of {@code TorchRuntime}. May use core, jacobian and model.torch;
 * nothing of ONNX Runtime or the ONNX autodiff.
 */
package org.jacobi.jacobian.torch;
