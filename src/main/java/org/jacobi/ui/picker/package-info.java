/**
 * The target picker that the Saliency and Attribution tabs share: the output of the selected sample shown as what it is
 * (an image, or bars for classes) and the output element or region explained, picked on it or typed. May use the logic
 * packages and ui's shared state; no other panel.
 */
package org.jacobi.ui.picker;
