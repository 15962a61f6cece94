/**
 * The yardsticks of {@code jacobi bench}: FLOPs of one forward pass of an ONNX model and the float32
 * matrix-multiply rate this machine reaches through ONNX Runtime. May use core, model.onnx, ONNX Runtime and the
 * protobuf classes; used by the command line only.
 */
package org.jacobi.bench;
