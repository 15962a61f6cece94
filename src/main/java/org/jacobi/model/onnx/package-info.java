/**
 * ONNX models: parsing and describing the protobuf graph, float16 and bfloat16 widened to float32 on load,
 * ONNX Runtime sessions on the best device and tensor copies to and from ONNX Runtime, FLOP counts per node.
 * May use core, model (never {@code ModelLoader}), ONNX Runtime and the generated protobuf classes
 * (org.jacobi.onnx.proto); nothing of DJL or of derivatives.
 */
package org.jacobi.model.onnx;
