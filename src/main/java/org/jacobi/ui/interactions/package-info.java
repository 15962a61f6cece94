/**
 * The Interactions tab: the Hessian of one output element for the selected sample, its eigenvalues and leading
 * eigenvectors. May use the logic packages, ui's shared state and ui.heatmap; no other panel.
 */
package org.jacobi.ui.interactions;
