/**
 * The Saliency tab: for an image-shaped input, one output's row of the Jacobian as an image beside the input
 * and as an overlay. May use the logic packages and ui's shared state; no other panel.
 */
package org.jacobi.ui.saliency;
