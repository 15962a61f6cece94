/**
 * The runtime side of the ONNX derivative pipeline: what turns a differentiated graph (from
 * {@link org.jacobi.autodiff}) into one that ONNX Runtime runs fast, and what learns a graph's shapes by running it.
 * {@link org.jacobi.jacobian.lowering.OrtLowering} (operators in ONNX Runtime's fused forms),
 * {@link org.jacobi.jacobian.lowering.ForwardBlockLayout} (forward-mode results laid out as Jacobian blocks),
 * {@link org.jacobi.jacobian.lowering.SeedBroadcast} (unit seeds of batch size 1) and
 * {@link org.jacobi.jacobian.lowering.OrtShapeProbe} (the shape probe the graph passes are given).
 *
 * <p>They live here, not in autodiff, so that autodiff stays the graph-to-graph transform alone: it imports no
 * ONNX Runtime, its rules are tested on graphs, and another runtime would need only another package like this one.
 * Nothing here knows an engine, a request or a chunk; the engines in {@link org.jacobi.jacobian.onnx} use it.
 */
package org.jacobi.jacobian.lowering;
