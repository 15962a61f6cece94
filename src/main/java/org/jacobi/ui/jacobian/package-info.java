/**
 * The Jacobian tab and the Heatmap panel of the side bar: the selected sample's Jacobian as a heatmap, computed
 * whole or row by row for Jacobians too large to show at once. May use the logic packages, ui's shared state and
 * ui.heatmap; no other panel.
 */
package org.jacobi.ui.jacobian;
