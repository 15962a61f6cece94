/**
 * The Global tab: a global sensitivity study of the open model (distribution table, methods, Run and
 * Cancel) and its indices with intervals. The study itself is org.jacobi.gsa; this package holds its view model and
 * views. May use the logic packages, ui's shared state and ui.heatmap; no other panel.
 */
package org.jacobi.ui.gsa;
