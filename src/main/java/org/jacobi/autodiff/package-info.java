/**
 * The ONNX graph transform: an ONNX graph in, a differentiated ONNX graph out (forward or reverse mode, K
 * directions at once). {@code Differentiator} never mutates its source and fails early naming the node;
 * {@code RuleRegistry} maps operator types to rules, and {@code Broadcasting} is the one place broadcasting is undone.
 * May use core and the generated protobuf classes (org.jacobi.onnx.proto); it never runs a graph, so it must not
 * depend on ONNX Runtime, the engines or the UI.
 */
package org.jacobi.autodiff;
