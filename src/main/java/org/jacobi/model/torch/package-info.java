/**
 * TorchScript models run by DJL's PyTorch engine, every native call on the one thread of {@code TorchRuntime};
 * {@code TorchScriptArchive} reads what a file declares without loading libtorch. May use core, model (never
 * {@code ModelLoader}) and DJL; nothing of ONNX Runtime or of derivatives.
 */
package org.jacobi.model.torch;
