/**
 * The What if tab: a slider and a field per element of the selected sample's differentiated input, with the
 * outputs recomputed as edits pause. May use the logic packages and ui's shared state; no other panel.
 */
package org.jacobi.ui.whatif;
