/**
 * The Parameters tab: per-sample sensitivity of an output to each parameter tensor, as bars and a samples x
 * tensors heatmap, and one tensor's full Jacobian on demand. May use the logic packages, ui's shared state and
 * ui.heatmap; no other panel.
 */
package org.jacobi.ui.parameters;
