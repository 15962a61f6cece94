/**
 * The Summaries tab: the most sensitive inputs and the singular values of the selected sample's Jacobian.
 * May use the logic packages and ui's shared state; no other panel.
 */
package org.jacobi.ui.summaries;
