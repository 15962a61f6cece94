/**
 * The derivative rules, one small rule or one line of a table per ONNX operator family (elementwise,
 * linear algebra, convolutions, pooling, normalisation, shapes, reductions, ...), each emitting new nodes through the
 * {@code Emitter} it is given. May use autodiff's rule interfaces, core and the protobuf classes; no ONNX Runtime.
 */
package org.jacobi.autodiff.rules;
