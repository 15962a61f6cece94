/**
 * The Model panel of the side bar: a text summary of the open model. May use model, jacobian and ui's shared
 * state; no other panel.
 */
package org.jacobi.ui.modelinfo;
