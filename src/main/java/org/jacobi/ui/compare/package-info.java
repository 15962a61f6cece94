/**
 * File &gt; Compare with...: the comparison window, a view over {@code CompareViewModel}, which runs
 * org.jacobi.compare in the background. May use the logic packages, ui's shared state and ui.heatmap; no other panel
 * (ArchitectureTest keeps panels free of cycles).
 */
package org.jacobi.ui.compare;
