/**
 * The exact engines for TorchScript models, on libtorch's own autograd through DJL: Jacobians by seeded backward passes
 * over repeated samples ({@link org.jacobi.jacobian.torch.TorchJacobianEngine}), Hessians by double backward
 * ({@link org.jacobi.jacobian.torch.TorchHessianEngine}) and Jacobians with respect to parameters
 * ({@link org.jacobi.jacobian.torch.TorchParameterJacobianEngine}).
 */
package org.jacobi.jacobian.torch;
