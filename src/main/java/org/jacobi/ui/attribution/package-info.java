/**
 * The Attribution tab: several attribution methods (org.jacobi.attribution) of one output target, side by side
 * over the input image on one colour scale, with their deletion and insertion curves. May use the logic packages
 * and ui's shared state; no other panel.
 */
package org.jacobi.ui.attribution;
